package org.sipanchor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One of {@code examples/} deployed the way its own {@code sipanchor.yaml} says, with {@code bin/sipanchor --app}
 * (or into Open Liberty, see {@link RunningSipAnchor}):
 * the example's configuration is used as written, only its loopback ports (SIP 5060, the next hops 5090 and 5091,
 * RTPEngine 22222, DTMF events 9999) are moved to free ones, so the file a user reads is the file under test. After
 * each test RTPEngine must hold no session; after the class the server must stop with exit status 0.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ExampleServer ivr = ExampleServer.of("ivr").rtpengineArgs("--dtmf-log-dest=" + ...);
 * }</pre>
 */
public final class ExampleServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final String name;
    private final int sipPort = LoopbackPorts.free();
    private final int calleePort = LoopbackPorts.free();
    private final int secondCalleePort = LoopbackPorts.free();
    private final int dtmfPort = LoopbackPorts.free();
    private final List<String> rtpengineArgs = new ArrayList<>();
    private final Map<String, String> replacements = new LinkedHashMap<>();
    private RtpEngineDaemon rtpengine;
    private RunningSipAnchor server;

    private ExampleServer(String name) {
        this.name = name;
    }

    public static ExampleServer of(String example) {
        return new ExampleServer(example);
    }

    /** Extra arguments of the RTPEngine daemon, e.g. {@code --recording-dir}. */
    public ExampleServer rtpengineArgs(String... args) {
        rtpengineArgs.addAll(List.of(args));
        return this;
    }

    /** Replaces a value of the example's configuration (a file path on the user's machine, say) for the test. */
    public ExampleServer replacing(String value, String replacement) {
        replacements.put(value, replacement);
        return this;
    }

    /** RTPEngine reports DTMF events to the port the configuration's {@code media.dtmf_events.listen} is moved to. */
    public ExampleServer withDtmfEvents() {
        return rtpengineArgs("--dtmf-log-dest=127.0.0.1:" + dtmfPort);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        rtpengine = RtpEngineDaemon.builder().extraArgs(rtpengineArgs.toArray(String[]::new)).build();
        rtpengine.start();
        String yaml = Files.readString(Path.of("examples", name, "sipanchor.yaml"))
                .replace("127.0.0.1:5060", "127.0.0.1:" + sipPort)
                .replace("127.0.0.1:5090", "127.0.0.1:" + calleePort)
                .replace("127.0.0.1:5091", "127.0.0.1:" + secondCalleePort)
                .replace("127.0.0.1:22222", rtpengine.ngHostPort())
                .replace("127.0.0.1:9999", "127.0.0.1:" + dtmfPort);
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            yaml = yaml.replace(replacement.getKey(), replacement.getValue());
        }
        server = RunningSipAnchor.start(yaml, sipPort, Examples.war(name), List.of());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        AnchoredSdp.assertNoSessionLeft(rtpengine);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (server != null) {
                server.stopCleanly();
            }
        } finally {
            if (rtpengine != null) {
                rtpengine.close();
            }
        }
    }

    public RunningSipAnchor server() {
        return server;
    }

    public String sipAddress() {
        return server.sipAddress();
    }

    /** The port of the configuration's first next hop ({@code 127.0.0.1:5090}). */
    public int calleePort() {
        return calleePort;
    }

    /** The port of the configuration's second next hop ({@code 127.0.0.1:5091}). */
    public int secondCalleePort() {
        return secondCalleePort;
    }

    public RtpEngineDaemon rtpengine() {
        return rtpengine;
    }

    /** A file for the test, written in the test output folder. */
    public static Path file(String fileName, byte[] content) {
        try {
            return Files.write(TestOutput.directory("files").resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
