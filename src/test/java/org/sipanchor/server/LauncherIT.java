package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;

/** The launcher as an operator meets it: it starts, says it is ready, stops on SIGTERM, and fails loudly. */
@DisplayName("bin/sipanchor")
class LauncherIT {

    private static final Duration FAIL_FAST = Duration.ofSeconds(15);

    @Test
    @DisplayName("logs one ready line with its SIP addresses, and exits 0 on SIGTERM")
    void startsAndStopsCleanly() {
        int port = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port)) {
            assertTrue(server.logged(line -> line.contains("] ready in ") && line.contains("udp:127.0.0.1:" + port)
                    && line.contains("tcp:127.0.0.1:" + port)), server.output());
            assertEquals(0, server.stop(), server.output());
            assertTrue(server.logged(line -> line.contains("] stopped")), server.output());
        }
    }

    @Test
    @DisplayName("refuses to start when a SIP port is taken, naming the address")
    void failsOnPortInUse() throws Exception {
        int port = LoopbackPorts.free();
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                SipAnchorServer server = SipAnchorServer.launch(SipAnchorServer.config(port, ""), port)) {
            int status = server.waitForExit(FAIL_FAST);
            assertNotEquals(0, status);
            assertTrue(server.output().contains("cannot listen on sip udp:127.0.0.1:" + port), server.output());
            assertFalse(server.logged(line -> line.contains("] ready in ")), server.output());
        }
    }

    @Test
    @DisplayName("refuses to start with a bad configuration, naming file, line and key")
    void failsOnBadConfig() {
        int port = LoopbackPorts.free();
        String yaml = SipAnchorServer.config(port, "media:\n  rtpengine:\n    timeout_ms: -5\n");
        try (SipAnchorServer server = SipAnchorServer.launch(yaml, port)) {
            assertEquals(1, server.waitForExit(FAIL_FAST));
            assertTrue(server.output().matches("(?s).*sipanchor: bad configuration: .*sipanchor\\.yaml:7: media\\.rtpengine\\.timeout_ms: must be greater than 0.*"),
                    server.output());
        }
    }

    @Test
    @DisplayName("refuses to start when the application does not exist")
    void failsOnMissingApp() {
        int port = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.launch(SipAnchorServer.config(port, ""), port, "--app", "/nonexistent/app.war")) {
            assertEquals(1, server.waitForExit(FAIL_FAST));
            assertTrue(server.output().contains("application /nonexistent/app.war does not exist"), server.output());
        }
    }

    @Test
    @DisplayName("deploys the same application packaged as a .sar")
    void deploysSar() {
        int port = LoopbackPorts.free();
        String sar = SipAnchorServer.launcher().getParent().getParent().getParent().resolve("sipanchor.sar").toString();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port, "--app", sar)) {
            assertTrue(server.logged(line -> line.contains("] ready in ") && line.contains("sipanchor.sar")), server.output());
            assertEquals(0, server.stop());
        }
    }
}
