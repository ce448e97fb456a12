package org.sipanchor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Ports on 127.0.0.1 that are free for both UDP and TCP right now (SIP listens on both). */
public final class LoopbackPorts {

    /** Every port {@link #free()} returned in this JVM. */
    private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /**
     * A port in 12000-19999 free for UDP and TCP. The range lies outside the kernel's ephemeral ports (32768-60999),
     * which any socket bound to port 0 may take between this check and SIPp's bind, and outside the ports
     * {@link FreePorts} gives rtpengine daemons (control from 11000, RTP from 20000).
     */
    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(12000, 20000);
            // never the same port twice in one run: a port handed out and not yet bound still looks free
            if (isFree(port) && handedOut.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in 12000-19999");
    }

    /**
     * Whether some process has a UDP socket or a listening TCP socket on {@code port}, read from the kernel's socket
     * tables. Unlike {@link #isFree(int)} it binds nothing, so polling it cannot take the port from a process that is
     * about to bind it.
     */
    public static boolean isInUse(int port) {
        String localPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("udp", "udp6", "tcp", "tcp6")) {
            boolean tcp = table.startsWith("tcp");
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net", table))) {
                    String[] fields = line.trim().split("\\s+");
                    boolean listening = fields.length > 3 && (!tcp || "0A".equals(fields[3])); // 0A: TCP_LISTEN
                    if (listening && fields[1].endsWith(localPort)) {
                        return true;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /proc/net/" + table, e);
            }
        }
        return false;
    }

    /** Whether {@code port} can be bound for UDP and TCP right now; it binds the port for a moment to find out. */
    public static boolean isFree(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket udp = new DatagramSocket(null); ServerSocket tcp = new ServerSocket()) {
            udp.bind(address);
            tcp.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
