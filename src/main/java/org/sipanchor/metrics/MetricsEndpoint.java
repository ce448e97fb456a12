package org.sipanchor.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.sipanchor.config.HostPort;

/**
 * The HTTP endpoint Prometheus scrapes, on the JDK's built-in server:
 * <ul>
 *   <li>{@code GET /metrics}: every metric of the registry, Prometheus text format 0.0.4;</li>
 *   <li>{@code GET /health}: 200 when {@code healthy} says so, else 503; the body is {@code healthText}
 *       (e.g. {@code up 2 of 3});</li>
 *   <li>404 for any other path, 405 for any other method.</li>
 * </ul>
 *
 * <pre>{@code
 * MetricsEndpoint endpoint = MetricsEndpoint.start(HostPort.parse("127.0.0.1:9464"), registry,
 *         () -> pool.upCount() > 0, () -> "up " + pool.upCount() + " of " + pool.instances().size());
 * ...
 * endpoint.close();
 * }</pre>
 *
 * <p>It listens where the configuration says ({@code metrics.listen}, loopback by default) and nowhere else. Two
 * daemon threads serve requests; a burst beyond a small queue is refused rather than queued without bound.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MetricsEndpoint.class.getName());
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PrometheusRegistry registry;
    private final BooleanSupplier healthy;
    private final Supplier<String> healthText;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private MetricsEndpoint(HttpServer server, ThreadPoolExecutor executor, PrometheusRegistry registry,
            BooleanSupplier healthy, Supplier<String> healthText) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.healthy = healthy;
        this.healthText = healthText;
    }

    /**
     * Listens on {@code address} and serves at once.
     *
     * @throws MetricsBindException naming the address if it cannot be bound
     */
    public static MetricsEndpoint start(HostPort address, PrometheusRegistry registry, BooleanSupplier healthy,
            Supplier<String> healthText) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(healthy, "healthy");
        Objects.requireNonNull(healthText, "healthText");
        InetSocketAddress socketAddress = address.toSocketAddress();
        if (socketAddress.isUnresolved()) {
            throw new MetricsBindException(address, new IOException("cannot resolve " + address.host()));
        }
        HttpServer server;
        try {
            server = HttpServer.create(socketAddress, 16);
        } catch (IOException e) {
            throw new MetricsBindException(address, e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64), r -> {
                    Thread t = new Thread(r, "metrics-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        MetricsEndpoint endpoint = new MetricsEndpoint(server, executor, registry, healthy, healthText);
        server.createContext("/", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        LOG.log(System.Logger.Level.INFO, "metrics at http://" + address + "/metrics, health at /health");
        return endpoint;
    }

    /** The address listened on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = "/metrics".equals(path) || "/health".equals(path);
            if (!known) {
                respond(exchange, 404, TEXT, bytes("not found: try /metrics or /health\n"));
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, TEXT, bytes("method not allowed: GET only\n"));
            } else if ("/metrics".equals(path)) {
                ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
                writer.write(body, registry.scrape());
                respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
            } else {
                boolean up = healthy.getAsBoolean();
                respond(exchange, up ? 200 : 503, TEXT, bytes(healthText.get() + "\n"));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metrics endpoint: " + exchange.getRequestURI() + " failed", e);
            throw e;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Stops listening and ends the threads at once. A scrape in progress is cut short: Prometheus simply tries again
     * (and JDK 17's server would otherwise wait out the whole grace delay even when idle).
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
