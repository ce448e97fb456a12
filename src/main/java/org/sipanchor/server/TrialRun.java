package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launch {@code bin/sipanchor --write-class-archive} runs once to write the class archive from: the bundled
 * application with a configuration of its own, listening on free loopback ports so that it never meets a running
 * server's, and stopped as soon as it is ready. Most of what start-up loads (the container, the SIP stack, CDI, the
 * application) is the same whatever the operator's configuration says; what another configuration adds (a WebSocket
 * listener, a Redis store) loads from the jars as before.
 */
final class TrialRun {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TrialRun() {
    }

    /** {@code options} with a trial configuration, written to a file deleted when the JVM exits. */
    static LaunchOptions options(LaunchOptions options) throws StartupException {
        try {
            int sip = freeUdpAndTcpPort();
            int metrics = freeTcpPort();
            Path config = Files.createTempFile("sipanchor-trial-", ".yaml");
            config.toFile().deleteOnExit();
            Files.writeString(config, """
                    sip:
                      listen:
                        - { transport: udp, address: "127.0.0.1:%d" }
                        - { transport: tcp, address: "127.0.0.1:%d" }
                    metrics:
                      listen: "127.0.0.1:%d"
                    """.formatted(sip, sip, metrics));
            return new LaunchOptions(config, options.app(), true);
        } catch (IOException e) {
            throw new StartupException("cannot write the trial configuration: " + e.getMessage(), e);
        }
    }

    private static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK);
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // that port's UDP side is in use: try another
            }
        }
        throw new IOException("no loopback port free for both UDP and TCP after 20 attempts");
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
            return tcp.getLocalPort();
        }
    }
}
