package org.sipanchor.ng;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to {@code --listen-tcp-ng}, served by one selector thread.
 *
 * <p>Framing, as the daemon does it ({@code control_ng.c}, {@code chunk_message}): a message is the cookie, one space,
 * and one bencode dictionary; nothing delimits messages but the bencode structure itself. Replies use the same
 * framing. The daemon also pushes messages with its own random cookies (DTMF notifications).
 *
 * <p>Writes are non-blocking: a caller writes its message directly when nothing is queued (no thread hand-off),
 * and whatever the socket does not take is queued for the selector thread. No caller ever blocks on the socket,
 * even if RTPEngine stops reading; the bound on queued bytes is the client's bound on requests in flight.
 *
 * <p>When the connection drops, everything in flight is sent again on a new one (RTPEngine answers a repeated cookie
 * from its reply cache, so this is safe); when a connection cannot be made, the client fails what is in flight at
 * once, and later attempts back off from 50 ms to 1 s.
 *
 * <p>Daemon quirk (10.5): after parsing the complete messages it has, it closes the connection if more than 1024
 * bytes of an incomplete message remain buffered. A message that reaches it in pieces over a slow path can trigger
 * that; the reconnect-and-resend path then recovers (and on loopback a message is written in one piece).
 */
final class TcpTransport implements NgTransport {

    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());

    private final InetSocketAddress remote;
    private final long connectTimeoutNanos;
    private final Bencode.Limits limits;
    private final Selector selector;
    private final Object lock = new Object();

    // Guarded by lock: the connection state shared by callers (send) and the selector thread.
    private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
    private SocketChannel channel;
    private SelectionKey key;
    private boolean connected;

    // Selector thread only.
    private boolean connectedBefore;
    private long connectStartedNanos;
    private long backoffNanos;
    private long nextAttemptNanos;
    private byte[] buf = new byte[65536];
    private int start;
    private int limit;

    private volatile boolean closed;
    private Sink sink;

    TcpTransport(InetSocketAddress remote, int connectTimeoutMillis, Bencode.Limits limits) throws IOException {
        this.remote = remote;
        this.connectTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
        this.limits = limits;
        this.selector = Selector.open();
    }

    @Override
    public void start(Sink sink) {
        this.sink = sink;
        new NgIoThread(this::loop, "ng-tcp-" + NgException.hostAndPort(remote)).start();
    }

    @Override
    public void resend(byte[] message) {
        throw new UnsupportedOperationException("TCP resends on reconnect only");
    }

    @Override
    public void send(byte[] message, Runnable register) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        synchronized (lock) {
            // Registered under the lock: a reconnect snapshot (also under it) either precedes this hand-over and
            // does not see the request, or follows it and replaces the queue; never both.
            register.run();
            ByteBuffer b = ByteBuffer.wrap(message);
            if (connected && outbound.isEmpty()) {
                try {
                    channel.write(b);
                } catch (IOException e) {
                    // The selector thread sees the broken connection too and reconnects; the request is resent then.
                    LOG.log(System.Logger.Level.DEBUG, "NG TCP write to " + remote + " failed", e);
                    return;
                }
                if (!b.hasRemaining()) {
                    return;
                }
                outbound.add(b);
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else {
                outbound.add(b);
            }
        }
        selector.wakeup();
    }

    @Override
    public boolean retransmits() {
        return false;
    }

    @Override
    public int maxMessageLength() {
        return limits.maxLength();
    }

    private void loop() {
        try {
            while (!closed) {
                maybeConnect();
                selector.select(TimeUnit.MILLISECONDS.toMillis(100));
                for (SelectionKey k : selector.selectedKeys()) {
                    handle(k);
                }
                selector.selectedKeys().clear();
                checkConnectTimeout();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.ERROR, "NG TCP thread for " + remote + " failed", e);
            }
        } finally {
            synchronized (lock) {
                dropLocked();
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing selector", e);
            }
        }
    }

    /** Starts a connection when there is something to deliver and none exists (or is being made). */
    private void maybeConnect() {
        synchronized (lock) {
            if (channel != null || closed) {
                return;
            }
            if (outbound.isEmpty() && !sink.hasInFlight()) {
                return; // connect lazily, with the next request
            }
            if (System.nanoTime() - nextAttemptNanos < 0) {
                return;
            }
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel = ch;
                connectStartedNanos = System.nanoTime();
                if (ch.connect(remote)) {
                    key = ch.register(selector, SelectionKey.OP_READ);
                    onConnectedLocked();
                } else {
                    key = ch.register(selector, SelectionKey.OP_CONNECT);
                }
            } catch (IOException e) {
                connectFailedLocked(e);
            }
        }
    }

    private void checkConnectTimeout() {
        synchronized (lock) {
            if (channel != null && !connected && System.nanoTime() - connectStartedNanos > connectTimeoutNanos) {
                connectFailedLocked(new IOException("connect timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos) + " ms"));
            }
        }
    }

    private void handle(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isConnectable()) {
            synchronized (lock) {
                try {
                    channel.finishConnect();
                    k.interestOps(SelectionKey.OP_READ);
                    onConnectedLocked();
                } catch (IOException e) {
                    connectFailedLocked(e);
                    return;
                }
            }
        }
        if (k.isValid() && k.isWritable()) {
            synchronized (lock) {
                flushLocked();
            }
        }
        if (k.isValid() && k.isReadable()) {
            read();
        }
    }

    /** Everything in flight goes out on the new connection, each request once (see send); the queue is superseded. */
    private void onConnectedLocked() {
        connected = true;
        backoffNanos = 0;
        outbound.clear();
        for (byte[] m : sink.inFlightMessages(connectedBefore)) {
            outbound.add(ByteBuffer.wrap(m));
        }
        connectedBefore = true;
        flushLocked();
    }

    private void connectFailedLocked(IOException e) {
        dropLocked();
        backoffNanos = Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(TimeUnit.MILLISECONDS.toNanos(50),
                backoffNanos * 2));
        nextAttemptNanos = System.nanoTime() + backoffNanos;
        outbound.clear();
        if (!closed) {
            sink.onConnectFailed(e);
        }
    }

    private void flushLocked() {
        try {
            while (!outbound.isEmpty()) {
                ByteBuffer b = outbound.peek();
                channel.write(b);
                if (b.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                outbound.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "NG TCP write to " + remote + " failed", e);
            dropLocked(); // requests in flight are resent on the next connection
        }
    }

    private void read() {
        SocketChannel ch;
        synchronized (lock) {
            ch = channel;
        }
        if (ch == null) {
            return;
        }
        try {
            while (true) {
                if (limit == buf.length && !makeRoom()) {
                    sink.onStray(NgClientListener.StrayReason.MALFORMED);
                    lostConnection();
                    return;
                }
                int n = ch.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
                if (n < 0) {
                    lostConnection();
                    return;
                }
                if (n == 0) {
                    return;
                }
                limit += n;
                if (!deliverFrames()) {
                    lostConnection();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "NG TCP read from " + remote + " failed", e);
            lostConnection();
        }
    }

    /** Frees space at the end of the buffer; false if one message alone is longer than accepted. */
    private boolean makeRoom() {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, limit - start);
            limit -= start;
            start = 0;
            return true;
        }
        long max = limits.maxLength() + MAX_COOKIE + 1L;
        if (buf.length >= max) {
            return false;
        }
        buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, max));
        return true;
    }

    /** Hands every complete message to the sink; false if the stream cannot be framed any more. */
    private boolean deliverFrames() {
        while (start < limit) {
            int space = NgTransport.cookieEnd(buf, start, limit - start);
            if (space < 0) {
                if (limit - start >= MAX_COOKIE) {
                    sink.onStray(NgClientListener.StrayReason.MALFORMED);
                    return false;
                }
                break;
            }
            int length;
            try {
                length = Bencode.measure(buf, space + 1, limit - space - 1, limits);
            } catch (BencodeException e) {
                sink.onStray(NgClientListener.StrayReason.MALFORMED);
                return false;
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
        return true;
    }

    private void lostConnection() {
        synchronized (lock) {
            dropLocked();
        }
        // maybeConnect() at the top of the loop reconnects at once if requests are still in flight.
    }

    private void dropLocked() {
        connected = false;
        if (key != null) {
            key.cancel();
            key = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing NG TCP connection", e);
            }
            channel = null;
        }
        start = 0;
        limit = 0;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }
}
