package org.sipanchor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Kamailio running the repository's own farm configuration ({@code deploy/kamailio/dispatcher.cfg}) in the
 * foreground, listening for callers on a free loopback port (what the nodes record-route) and sending to the given
 * sipanchor nodes from another, which it pings with OPTIONS every second. Its output goes to {@code target/it-output/kamailio/}.
 *
 * <pre>{@code
 * try (KamailioDispatcher kamailio = KamailioDispatcher.start(List.of("127.0.0.1:5071", "127.0.0.1:5072"))) {
 *     kamailio.sipAddress();   // where callers send their INVITEs, and what the nodes put in app.record_route
 * }
 * }</pre>
 */
public final class KamailioDispatcher implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/kamailio");
    private static final Path CONFIG = Path.of("deploy/kamailio/dispatcher.cfg");

    private final Process process;
    private final int port;
    private final Path logFile;

    private KamailioDispatcher(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /** The port Kamailio will listen on, chosen before the nodes start (they record-route through it). */
    public static int choosePort() {
        return LoopbackPorts.free();
    }

    /** Starts Kamailio on {@code port} in front of {@code nodes} ({@code host:port} each) and waits until it listens. */
    public static KamailioDispatcher start(int port, List<String> nodes) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: scripts/install-deps installs kamailio");
        }
        Path dir = TestOutput.directory("kamailio").resolve("kamailio-" + port);
        try {
            Files.createDirectories(dir);
            Path list = dir.resolve("dispatcher.list");
            Files.writeString(list, nodes.stream().map(node -> "1 sip:" + node + " 0 0").collect(Collectors.joining("\n", "", "\n")));
            // the nodes' side: another address than the one the nodes record-route (and take for their own)
            String nodesSide = "udp:127.0.0.1:" + LoopbackPorts.free();
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-f", CONFIG.toAbsolutePath().toString(),
                    "-DD", "-E", "-m", "64", "-M", "8", "-Y", dir.toString(),
                    "-A", "LISTEN=udp:127.0.0.1:" + port,
                    "-A", "LISTEN_NODES=" + nodesSide, "-A", "LISTEN_NODES_STR=\"" + nodesSide + "\"",
                    "-A", "DISPATCHER_LIST=\"" + list + "\"",
                    "-A", "PING_INTERVAL=1"));
            Path log = dir.resolve("output.log");
            Files.writeString(log, String.join(" ", command) + System.lineSeparator());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            KamailioDispatcher kamailio = new KamailioDispatcher(process, port, log);
            kamailio.awaitListening(Duration.ofSeconds(10));
            return kamailio;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start kamailio", e);
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!LoopbackPorts.isInUse(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("kamailio did not listen on " + port + ":\n" + output());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code 127.0.0.1:port}. */
    public String sipAddress() {
        return "127.0.0.1:" + port;
    }

    /** Everything it logged so far. */
    public String output() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
