package org.sipanchor.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Claims blocks of loopback ports that no other test on this machine uses at the same time, in this JVM or another.
 *
 * <p>Ports are handed out in fixed blocks (a few control ports plus a range of RTP ports); a block is claimed with an
 * OS file lock under {@code java.io.tmpdir}, held until {@link Block#close()} or the death of the process (the OS
 * drops the lock then, so nothing goes stale). Every port of a claimed block is also checked to be bindable. All
 * ranges sit below Linux's ephemeral range (32768 and up), so the kernel does not hand them out either.
 */
public final class FreePorts {

    /** Control ports per block: NG over UDP, NG over TCP, CLI, and spares. */
    static final int CONTROL_PORTS = 8;
    static final int CONTROL_BASE = 11000;
    /** RTP ports per block: ample for 32 concurrent calls (about 4 ports each) with room to rotate. */
    public static final int RTP_PORTS = 500;
    static final int RTP_BASE = 20000;
    static final int BLOCKS = 24; // RTP up to 31999

    private FreePorts() {
    }

    /** A claimed block: {@link #control(int)} ports and an RTP range. */
    public static final class Block implements AutoCloseable {
        private final int index;
        private final FileChannel channel;
        private final FileLock lock;

        private Block(int index, FileChannel channel, FileLock lock) {
            this.index = index;
            this.channel = channel;
            this.lock = lock;
        }

        /** Control port {@code i} (0 .. 7) of this block. */
        public int control(int i) {
            if (i < 0 || i >= CONTROL_PORTS) {
                throw new IllegalArgumentException("control port index " + i);
            }
            return CONTROL_BASE + index * CONTROL_PORTS + i;
        }

        public int rtpMin() {
            return RTP_BASE + index * RTP_PORTS;
        }

        public int rtpMax() {
            return rtpMin() + RTP_PORTS - 1;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the lock goes with the process anyway
            }
        }

        @Override
        public String toString() {
            return "ports block " + index + " (control " + control(0) + "-" + control(CONTROL_PORTS - 1) + ", RTP "
                    + rtpMin() + "-" + rtpMax() + ")";
        }
    }

    /** Claims a free block, or fails if all are taken. */
    public static Block claim() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sipanchor-port-blocks");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        int start = ThreadLocalRandom.current().nextInt(BLOCKS);
        for (int k = 0; k < BLOCKS; k++) {
            int index = (start + k) % BLOCKS;
            Block b = tryClaim(dir.resolve("block-" + index + ".lock"), index);
            if (b != null) {
                return b;
            }
        }
        throw new IllegalStateException("all " + BLOCKS + " port blocks are in use");
    }

    private static Block tryClaim(Path file, int index) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return null;
            }
            Block b = new Block(index, ch, lock);
            if (!bindable(b)) {
                b.close();
                return null;
            }
            return b;
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch); // held by this JVM already
            return null;
        } catch (IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    private static boolean bindable(Block b) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < CONTROL_PORTS; i++) {
            if (!udpFree(lo, b.control(i)) || !tcpFree(lo, b.control(i))) {
                return false;
            }
        }
        for (int p = b.rtpMin(); p <= b.rtpMax(); p++) {
            if (!udpFree(lo, p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean udpFree(InetAddress lo, int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(lo, port))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean tcpFree(InetAddress lo, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(lo, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
