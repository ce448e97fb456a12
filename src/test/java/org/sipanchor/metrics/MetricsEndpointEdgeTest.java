package org.sipanchor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.HostPort;
import org.sipanchor.testing.FreePorts;

@DisplayName("MetricsEndpoint at the edge: no peer, however slow or large, keeps a prober from /health")
class MetricsEndpointEdgeTest {

    /** Generous: a prober's answer takes milliseconds; this only bounds a test that would otherwise hang. */
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_DEADLINE)
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<Socket> peers = new ArrayList<>();
    private FreePorts.Block ports;
    private HostPort listen;

    @BeforeEach
    void claimPort() {
        ports = FreePorts.claim();
        listen = new HostPort("127.0.0.1", ports.control(5));
    }

    @AfterEach
    void closePeers() throws IOException {
        for (Socket peer : peers) {
            peer.close();
        }
        ports.close();
    }

    private HttpResponse<String> probe(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + listen + path)).timeout(PROBE_DEADLINE)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A peer that connects and sends half a request, then nothing: it holds its connection as long as it may. */
    private Socket slowPeer() throws IOException {
        Socket peer = new Socket(InetAddress.getByName(listen.host()), listen.port());
        peers.add(peer);
        peer.setSoTimeout((int) PROBE_DEADLINE.toMillis());
        OutputStream out = peer.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never-Fin".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return peer;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Test
    @DisplayName("sixteen peers holding half-sent requests: /health and /metrics still answer")
    void slowPeersDoNotStarveTheProber() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true,
                () -> "fine")) {
            for (int i = 0; i < 16; i++) {
                slowPeer();
            }
            HttpResponse<String> health = probe("/health");
            assertEquals(200, health.statusCode());
            assertEquals("fine\n", health.body());
            assertEquals(200, probe("/metrics").statusCode());
        }
    }

    @Test
    @DisplayName("more slow peers than connections allowed: the oldest of them is closed, the prober is served")
    void aFullEndpointMakesRoomForANewPeer() throws Exception {
        MetricsEndpoint.Limits limits = new MetricsEndpoint.Limits(4, Duration.ofMinutes(1), 8192);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true,
                () -> "fine", limits)) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                slow.add(slowPeer());
            }
            assertEquals(200, probe("/health").statusCode());
            assertEquals(-1, slow.get(0).getInputStream().read(), "the oldest slow peer was closed");
        }
    }

    @Test
    @DisplayName("a peer that does not finish its request within the request timeout is closed, unanswered")
    void aSlowPeerIsClosedAtItsDeadline() throws Exception {
        MetricsEndpoint.Limits limits = new MetricsEndpoint.Limits(32, Duration.ofMillis(300), 8192);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true,
                () -> "fine", limits)) {
            Socket peer = slowPeer();
            assertEquals(-1, peer.getInputStream().read(), "closed without a response");
            assertEquals(200, probe("/health").statusCode());
        }
    }

    @Test
    @DisplayName("a request head of a megabyte is refused with 431, and the endpoint serves on")
    void aHeaderFloodIsRefused() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true,
                () -> "fine")) {
            Socket peer = new Socket(InetAddress.getByName(listen.host()), listen.port());
            peers.add(peer);
            peer.setSoTimeout((int) PROBE_DEADLINE.toMillis());
            Thread flood = new Thread(() -> {
                try {
                    OutputStream out = peer.getOutputStream();
                    out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "a".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 64; i++) {
                        out.write(chunk);
                    }
                    out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the endpoint closed the connection while the flood was still being sent: expected
                }
            }, "header-flood");
            flood.setDaemon(true);
            flood.start();

            String status = statusLine(peer.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 431 "), "status line: " + status);
            assertEquals(200, probe("/health").statusCode());
        }
    }

    @Test
    @DisplayName("what is not an HTTP request gets 400")
    void notHttp() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true,
                () -> "fine"); Socket peer = new Socket(InetAddress.getByName(listen.host()), listen.port())) {
            peer.setSoTimeout((int) PROBE_DEADLINE.toMillis());
            peer.getOutputStream().write("HELLO\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(statusLine(peer.getInputStream()).startsWith("HTTP/1.1 400 "));
        }
    }
}
