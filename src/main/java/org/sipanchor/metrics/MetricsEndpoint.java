package org.sipanchor.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.sipanchor.config.HostPort;

/**
 * The HTTP endpoint Prometheus scrapes:
 * <ul>
 *   <li>{@code GET /metrics}: every metric of the registry, Prometheus text format 0.0.4, each series with the
 *       endpoint's {@link ConstantLabels} (the node's {@code node="..."});</li>
 *   <li>{@code GET /health}: 200 when {@code healthy} says so, else 503; the body is {@code healthText}
 *       (e.g. {@code up 2 of 3});</li>
 *   <li>404 for any other path, 405 for any other method, 400 for what is not an HTTP request, 431 for a request
 *       head larger than {@link Limits#maxRequestBytes()}.</li>
 * </ul>
 *
 * <pre>{@code
 * MetricsEndpoint endpoint = MetricsEndpoint.start(HostPort.parse("127.0.0.1:9464"), registry,
 *         () -> pool.upCount() > 0, () -> "up " + pool.upCount() + " of " + pool.instances().size());
 * ...
 * endpoint.close();
 * }</pre>
 *
 * <p>It listens where the configuration says ({@code metrics.listen}, loopback by default) and nowhere else.
 *
 * <p>A peer that connects and then sends nothing, or a byte at a time, must not keep a prober from {@code /health}.
 * So no thread ever waits for one peer: a single thread multiplexes every connection without blocking, reading a
 * request only as its bytes arrive and writing a response only as the peer takes it. Each connection has
 * {@link Limits#requestTimeout()} to send its whole request head and as long again to take its response, then it is
 * closed. At most {@link Limits#maxConnections()} are open; a new one beyond that closes the oldest connection still
 * sending its request (a prober sends its request at once, so it is never the oldest for long), or is closed itself
 * when every open connection is already being answered. One request per connection ({@code Connection: close}).
 */
public final class MetricsEndpoint implements AutoCloseable {

    /**
     * How much one peer may hold.
     *
     * @param maxConnections  connections open at once (> 0)
     * @param requestTimeout  time from accepting a connection to having its request head, and again to have written
     *                        its response (> 0)
     * @param maxRequestBytes size of a request head, request line and headers (> 0)
     */
    public record Limits(int maxConnections, Duration requestTimeout, int maxRequestBytes) {
        /** 32 connections, 5 s, 8 KiB: far more than Prometheus and a health prober need. */
        public static final Limits DEFAULT = new Limits(32, Duration.ofSeconds(5), 8192);

        public Limits {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (maxConnections <= 0 || maxRequestBytes <= 0 || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("limits must be positive: " + maxConnections + ", "
                        + requestTimeout + ", " + maxRequestBytes);
            }
        }
    }

    private static final System.Logger LOG = System.getLogger(MetricsEndpoint.class.getName());
    private static final String TEXT = "text/plain; charset=utf-8";
    /** What is read and thrown away after a response, so that closing does not reset the response away. */
    private static final int MAX_DRAINED = 64 * 1024;

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Limits limits;
    private final long timeoutNanos;
    private final PrometheusRegistry registry;
    private final ConstantLabels constantLabels;
    private final BooleanSupplier healthy;
    private final Supplier<String> healthText;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    /** Open connections, oldest first. Touched by the serving thread only. */
    private final Set<Connection> connections = new LinkedHashSet<>();
    private final ByteBuffer discard = ByteBuffer.allocate(4096);
    private final Thread thread;
    private volatile boolean running = true;

    private MetricsEndpoint(ServerSocketChannel listener, Selector selector, Limits limits, PrometheusRegistry registry,
            ConstantLabels constantLabels, BooleanSupplier healthy, Supplier<String> healthText) {
        this.constantLabels = constantLabels;
        this.listener = listener;
        this.selector = selector;
        this.limits = limits;
        this.timeoutNanos = limits.requestTimeout().toNanos();
        this.registry = registry;
        this.healthy = healthy;
        this.healthText = healthText;
        this.thread = new Thread(this::serve, "metrics-http");
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code address} with {@link Limits#DEFAULT} and serves at once.
     *
     * @throws MetricsBindException naming the address if it cannot be bound
     */
    public static MetricsEndpoint start(HostPort address, PrometheusRegistry registry, BooleanSupplier healthy,
            Supplier<String> healthText) {
        return start(address, registry, ConstantLabels.NONE, healthy, healthText, Limits.DEFAULT);
    }

    /**
     * Listens on {@code address} with {@link Limits#DEFAULT} and serves at once, every series with {@code labels}.
     *
     * @throws MetricsBindException naming the address if it cannot be bound
     */
    public static MetricsEndpoint start(HostPort address, PrometheusRegistry registry, ConstantLabels labels,
            BooleanSupplier healthy, Supplier<String> healthText) {
        return start(address, registry, labels, healthy, healthText, Limits.DEFAULT);
    }

    /**
     * Listens on {@code address} and serves at once, within {@code limits}.
     *
     * @throws MetricsBindException naming the address if it cannot be bound
     */
    public static MetricsEndpoint start(HostPort address, PrometheusRegistry registry, BooleanSupplier healthy,
            Supplier<String> healthText, Limits limits) {
        return start(address, registry, ConstantLabels.NONE, healthy, healthText, limits);
    }

    /**
     * Listens on {@code address} and serves at once, within {@code limits}, every series with {@code labels}.
     *
     * @throws MetricsBindException naming the address if it cannot be bound
     */
    public static MetricsEndpoint start(HostPort address, PrometheusRegistry registry, ConstantLabels labels,
            BooleanSupplier healthy, Supplier<String> healthText, Limits limits) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(healthy, "healthy");
        Objects.requireNonNull(healthText, "healthText");
        Objects.requireNonNull(limits, "limits");
        InetSocketAddress socketAddress = address.toSocketAddress();
        if (socketAddress.isUnresolved()) {
            throw new MetricsBindException(address, new IOException("cannot resolve " + address.host()));
        }
        ServerSocketChannel listener = null;
        Selector selector = null;
        try {
            listener = ServerSocketChannel.open();
            listener.bind(socketAddress, 64);
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeQuietly(listener);
            closeQuietly(selector);
            throw new MetricsBindException(address, e);
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(listener, selector, limits, registry, labels, healthy, healthText);
        endpoint.thread.start();
        LOG.log(System.Logger.Level.INFO, "metrics at http://" + address + "/metrics, health at /health");
        return endpoint;
    }

    /** The address listened on. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("metrics endpoint closed", e);
        }
    }

    private enum Phase { READING, WRITING, DRAINING }

    /** One peer's connection: its request head so far, then its response, then what it still sends. */
    private final class Connection {
        final SocketChannel channel;
        final SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(limits.maxRequestBytes());
        ByteBuffer out;
        Phase phase = Phase.READING;
        long deadline = System.nanoTime() + timeoutNanos;
        int drained;

        Connection(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.key = channel.register(selector, SelectionKey.OP_READ, this);
        }

        void close() {
            connections.remove(this);
            key.cancel();
            closeQuietly(channel);
        }
    }

    private void serve() {
        try {
            while (running) {
                selector.select(nextWakeupMillis());
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        Connection connection = (Connection) key.attachment();
                        try {
                            if (key.isReadable()) {
                                onReadable(connection);
                            }
                            if (key.isValid() && key.isWritable()) {
                                onWritable(connection);
                            }
                        } catch (IOException e) {
                            connection.close(); // the peer went away or reset: nothing to tell it
                        }
                    }
                }
                selector.selectedKeys().clear();
                closeExpired();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                LOG.log(System.Logger.Level.ERROR, "metrics endpoint stopped serving", e);
            }
        } finally {
            new ArrayList<>(connections).forEach(Connection::close);
            closeQuietly(listener);
            closeQuietly(selector);
        }
    }

    private long nextWakeupMillis() {
        long now = System.nanoTime();
        long soonest = Long.MAX_VALUE;
        for (Connection c : connections) {
            soonest = Math.min(soonest, c.deadline - now);
        }
        // 0 would mean "forever" to select(): a deadline already due is handled at once
        return soonest == Long.MAX_VALUE ? 0 : Math.max(1, Duration.ofNanos(soonest).toMillis() + 1);
    }

    private void acceptAll() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            if (connections.size() >= limits.maxConnections() && !evictOldestReader()) {
                LOG.log(System.Logger.Level.DEBUG, "metrics endpoint: refused a connection, all busy");
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connections.add(new Connection(channel));
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /** Closes the connection that has waited longest for its request, if any does: a slow or idle peer. */
    private boolean evictOldestReader() {
        for (Connection c : connections) {
            if (c.phase == Phase.READING) {
                LOG.log(System.Logger.Level.DEBUG, "metrics endpoint: at its connection limit, closed the oldest "
                        + "connection still sending its request");
                c.close();
                return true;
            }
        }
        return false;
    }

    private void closeExpired() {
        long now = System.nanoTime();
        for (Connection c : new ArrayList<>(connections)) {
            if (now - c.deadline >= 0) {
                c.close();
            }
        }
    }

    private void onReadable(Connection c) throws IOException {
        if (c.phase != Phase.READING) {
            // after the response: what the peer still sends (a body we did not want) is read only to be dropped
            discard.clear();
            int n = c.channel.read(discard);
            c.drained += Math.max(n, 0);
            if (n < 0 || c.drained > MAX_DRAINED) {
                c.close();
            }
            return;
        }
        int n = c.channel.read(c.in);
        if (n < 0) {
            c.close();
            return;
        }
        int headEnd = headEnd(c.in);
        if (headEnd >= 0) {
            respond(c, answer(new String(c.in.array(), 0, headEnd, StandardCharsets.ISO_8859_1)));
        } else if (!c.in.hasRemaining()) {
            respond(c, Response.text(431, "request head larger than " + limits.maxRequestBytes() + " bytes\n"));
        }
    }

    /** Where the request head ends (its blank line), or -1 while it has not arrived. */
    private static int headEnd(ByteBuffer in) {
        byte[] b = in.array();
        for (int i = 0; i < in.position(); i++) {
            if (b[i] == '\n' && ((i >= 1 && b[i - 1] == '\n') || (i >= 3 && b[i - 1] == '\r' && b[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    private void respond(Connection c, Response response) throws IOException {
        c.out = ByteBuffer.wrap(response.wire());
        c.phase = Phase.WRITING;
        c.deadline = System.nanoTime() + timeoutNanos;
        c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        onWritable(c);
    }

    private void onWritable(Connection c) throws IOException {
        if (c.phase != Phase.WRITING) {
            return;
        }
        c.channel.write(c.out);
        if (!c.out.hasRemaining()) {
            // FIN, then wait for the peer's close: closing with unread bytes would reset the connection and could
            // destroy the response before the peer reads it
            c.channel.shutdownOutput();
            c.phase = Phase.DRAINING;
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private Response answer(String head) {
        String requestLine = head.substring(0, Math.max(0, head.indexOf('\n'))).strip();
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            return Response.text(400, "bad request\n");
        }
        String target = parts[1];
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        boolean known = "/metrics".equals(path) || "/health".equals(path);
        try {
            if (!known) {
                return Response.text(404, "not found: try /metrics or /health\n");
            } else if (!"GET".equals(parts[0])) {
                return new Response(405, TEXT, bytes("method not allowed: GET only\n"), "Allow: GET\r\n");
            } else if ("/metrics".equals(path)) {
                ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
                writer.write(body, constantLabels.apply(registry.scrape()));
                return new Response(200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray(), "");
            } else {
                boolean up = healthy.getAsBoolean();
                return Response.text(up ? 200 : 503, healthText.get() + "\n");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metrics endpoint: " + path + " failed", e);
            return Response.text(500, "internal error\n");
        }
    }

    private record Response(int status, String contentType, byte[] body, String extraHeaders) {
        static Response text(int status, String body) {
            return new Response(status, TEXT, bytes(body), "");
        }

        byte[] wire() {
            byte[] head = ("HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                    + "Content-Type: " + contentType + "\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + extraHeaders
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 400 -> "Bad Request";
                case 404 -> "Not Found";
                case 405 -> "Method Not Allowed";
                case 431 -> "Request Header Fields Too Large";
                case 503 -> "Service Unavailable";
                default -> "Internal Server Error";
            };
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing: nothing left to do with it
            }
        }
    }

    /**
     * Stops listening and closes every connection at once. A scrape in progress is cut short: Prometheus simply tries
     * again.
     */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
