package org.sipanchor.ng;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to {@code --listen-tcp-ng}, a writer thread and a reader thread.
 *
 * <p>Framing, as the daemon does it ({@code control_ng.c}, {@code chunk_message}): a message is the cookie, one space,
 * and one bencode dictionary; nothing delimits messages but the bencode structure itself. Replies use the same
 * framing. The daemon also pushes messages with its own random cookies (DTMF notifications).
 *
 * <p>Writes happen on the writer thread, so a caller never blocks on a full socket. When the connection drops,
 * everything in flight is sent again on a new one (RTPEngine answers a repeated cookie from its reply cache, so this
 * is safe); when a connection cannot be made, the client fails what is in flight at once.
 *
 * <p>Daemon quirk (10.5): after parsing all complete messages it closes the connection if more than 1024 bytes of an
 * incomplete message remain buffered. Each message is written with one write so that it normally arrives whole;
 * should the daemon close anyway, the reconnect-and-resend path recovers.
 */
final class TcpTransport implements NgTransport {

    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());

    /** Queued by the reader when the connection drops with requests in flight: reconnect now, not on the next send. */
    private static final byte[] RECONNECT = new byte[0];

    /** Longest cookie accepted while looking for the space that ends it. */
    private static final int MAX_COOKIE = 256;

    private final InetSocketAddress remote;
    private final int connectTimeoutMillis;
    private final Bencode.Limits limits;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile SocketChannel channel;
    private boolean connectedBefore;
    private Sink sink;
    private Thread writer;

    TcpTransport(InetSocketAddress remote, int connectTimeoutMillis, Bencode.Limits limits) {
        this.remote = remote;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.limits = limits;
    }

    @Override
    public void start(Sink sink) {
        this.sink = sink;
        writer = new NgIoThread(this::writeLoop, "ng-tcp-tx-" + NgException.hostAndPort(remote));
        writer.start();
    }

    @Override
    public void send(byte[] message) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        queue.add(message);
    }

    @Override
    public boolean retransmits() {
        return false;
    }

    @Override
    public int maxMessageLength() {
        return limits.maxLength();
    }

    private void writeLoop() {
        long backoffMillis = 0;
        while (!closed) {
            byte[] message;
            try {
                message = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                continue; // close() interrupts; the loop condition decides
            }
            if (message == null) {
                continue;
            }
            SocketChannel ch = channel;
            if (ch != null && ch.isOpen()) {
                if (message != RECONNECT) {
                    write(ch, message);
                }
                continue;
            }
            if (!sink.hasInFlight()) {
                continue; // nothing to deliver: connect lazily on the next request
            }
            if (backoffMillis > 0 && !sleep(backoffMillis)) {
                continue;
            }
            try {
                ch = connect();
                backoffMillis = 0;
            } catch (IOException e) {
                backoffMillis = Math.min(1000, Math.max(50, backoffMillis * 2));
                if (!closed) {
                    sink.onConnectFailed(e);
                }
                continue;
            }
            // Everything in flight goes out on the new connection, the message just taken included; what is
            // still queued is part of it (or completed already), so drop it rather than send it twice.
            queue.clear();
            for (byte[] m : sink.inFlightMessages(connectedBefore)) {
                if (!write(ch, m)) {
                    break;
                }
            }
            connectedBefore = true;
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().connect(remote, connectTimeoutMillis);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        if (closed) {
            ch.close();
            throw new ClosedChannelException();
        }
        new NgIoThread(() -> readLoop(ch), "ng-tcp-rx-" + NgException.hostAndPort(remote)).start();
        return ch;
    }

    private boolean write(SocketChannel ch, byte[] message) {
        try {
            ByteBuffer b = ByteBuffer.wrap(message);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "NG TCP write to " + remote + " failed", e);
            drop(ch);
            return false;
        }
    }

    private void readLoop(SocketChannel ch) {
        byte[] buf = new byte[65536];
        int start = 0;
        int limit = 0;
        try {
            while (!closed) {
                if (limit == buf.length) {
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, limit - start);
                        limit -= start;
                        start = 0;
                    } else if (buf.length >= limits.maxLength() + MAX_COOKIE + 1) {
                        sink.onStray(NgClientListener.StrayReason.MALFORMED);
                        return; // a message longer than we accept: framing cannot be trusted any more
                    } else {
                        buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, limits.maxLength() + MAX_COOKIE + 1L));
                    }
                }
                int n = ch.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
                if (n < 0) {
                    return;
                }
                limit += n;
                while (start < limit) {
                    int space = indexOfSpace(buf, start, Math.min(limit, start + MAX_COOKIE));
                    if (space < 0) {
                        if (limit - start >= MAX_COOKIE) {
                            sink.onStray(NgClientListener.StrayReason.MALFORMED);
                            return;
                        }
                        break;
                    }
                    int length;
                    try {
                        length = Bencode.measure(buf, space + 1, limit - space - 1, limits);
                    } catch (BencodeException e) {
                        sink.onStray(NgClientListener.StrayReason.MALFORMED);
                        return;
                    }
                    if (length < 0) {
                        break;
                    }
                    int end = space + 1 + length;
                    sink.onMessage(buf, start, end - start, remote);
                    start = end;
                }
                if (start == limit) {
                    start = 0;
                    limit = 0;
                }
            }
        } catch (ClosedChannelException e) {
            // closed by us
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "NG TCP connection to " + remote + " failed", e);
        } finally {
            drop(ch);
            if (!closed) {
                queue.add(RECONNECT);
            }
        }
    }

    private static int indexOfSpace(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    private void drop(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing NG TCP connection", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        SocketChannel ch = channel;
        if (ch != null) {
            drop(ch);
        }
        if (writer != null) {
            writer.interrupt();
        }
    }
}
