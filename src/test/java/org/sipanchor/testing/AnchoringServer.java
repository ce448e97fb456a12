package org.sipanchor.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The usual end-to-end set-up as one JUnit extension: a real RTPEngine, and the bundled app in front of it, whose
 * next hop is a callee port the tests put a SIPp UAS on. The app runs on the container under test
 * ({@link RunningSipAnchor}): the launcher's embedded Restcomm, or Open Liberty. After each test RTPEngine must hold
 * no session; after the class the server must stop with exit status 0.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AnchoringServer proxy = AnchoringServer.bundled().profile("srtp_to_rtp");
 *
 * Sipp.scenario("uac-call.xml").remote(proxy.sipAddress()).run();
 * }</pre>
 */
public final class AnchoringServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** The test class whose lifetime the server has: started once, stopped once, whatever @Nested classes run. */
    private String startedIn;
    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    private final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().build();
    private String mode = "proxy";
    private String profile = "rtp_passthrough";
    private String sdpName = "sipanchor";
    private String moreYaml = "";
    private String moreSipYaml = "";
    private String auth = "off";
    private Path app;
    private final List<String> jvmOptions = new ArrayList<>();
    private String calleePortProperty;
    private RunningSipAnchor server;
    private int calleePort;

    private AnchoringServer() {
    }

    /** The bundled application, in proxy mode unless told otherwise. */
    public static AnchoringServer bundled() {
        return new AnchoringServer();
    }

    /**
     * Another application instead of the bundled one ({@code bin/sipanchor --app}, or the archive Liberty deploys),
     * e.g. an example's war built on sipanchor; the configuration is the same.
     */
    public static AnchoringServer deploying(Path application) {
        AnchoringServer server = new AnchoringServer();
        server.app = application;
        return server;
    }

    /** A JVM option of the server (e.g. {@code -Dname=value}), passed in {@code JAVA_OPTS}. */
    public AnchoringServer jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /** Tells the server's application the callee's port, as the system property {@code name}. */
    public AnchoringServer calleePortProperty(String name) {
        this.calleePortProperty = name;
        return this;
    }

    public AnchoringServer mode(String appMode) {
        this.mode = appMode;
        return this;
    }

    public AnchoringServer profile(String name) {
        this.profile = name;
        return this;
    }

    public AnchoringServer sdpName(String name) {
        this.sdpName = name;
        return this;
    }

    /**
     * The {@code app.auth} value, as YAML on one line: {@code off} (the default here, so that the tests that register
     * and call without credentials say so), or a flow mapping such as
     * {@code { realm: "test", users: { alice: { password: "a" } }, trusted: ["192.0.2.0/24"] }}.
     */
    public AnchoringServer auth(String flowYaml) {
        this.auth = flowYaml;
        return this;
    }

    /**
     * More of the {@code sip} section, after its udp and tcp listeners and indented as there: more listeners
     * ({@code "    - { transport: ws, ... }"}), then {@code "  limits: ..."} or {@code "  tls: ..."}.
     */
    public AnchoringServer sip(String listenersAndSettings) {
        this.moreSipYaml = listenersAndSettings;
        return this;
    }

    /** More top-level sections (not {@code sip}, {@code app} or {@code media}), e.g. {@code log:}. */
    public AnchoringServer yaml(String sections) {
        this.moreYaml = sections;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (startedIn != null) {
            return; // a @Nested class of the test class that started it: the same server serves it
        }
        startedIn = context.getUniqueId();
        rtpengine.start();
        int sipPort = LoopbackPorts.free();
        calleePort = LoopbackPorts.free();
        server = RunningSipAnchor.start(SipAnchorServer.config(sipPort, moreSipYaml + """
                app:
                  mode: %s
                  next_hop: "sip:127.0.0.1:%d"
                  profile: %s
                  no_answer_timeout_secs: 2
                  auth: %s
                media:
                  rtpengine:
                    address: "%s"
                  sdp_name: "%s"
                """.formatted(mode, calleePort, profile, auth, rtpengine.ngHostPort(), sdpName) + moreYaml), sipPort,
                app, serverJvmOptions());
    }

    private List<String> serverJvmOptions() {
        List<String> options = new ArrayList<>(jvmOptions);
        if (calleePortProperty != null) {
            options.add("-D" + calleePortProperty + "=" + calleePort);
        }
        return options;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        AnchoredSdp.assertNoSessionLeft(rtpengine);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(startedIn)) {
            return; // a @Nested class ends: the server outlives it
        }
        startedIn = null;
        try {
            if (server != null) {
                server.stopCleanly();
            }
        } finally {
            rtpengine.close();
        }
    }

    /** The traces of one caller and one callee (on the next hop's port) that both completed their scenarios. */
    public record Calls(SipMessageTrace caller, SipMessageTrace callee) {
    }

    /** Runs {@code callerScenario} to user {@code bob} through the server, against {@code calleeScenario} behind it. */
    public Calls call(String callerScenario, String calleeScenario) {
        return call(Sipp.scenario(callerScenario).service("bob"), Sipp.scenario(calleeScenario));
    }

    /**
     * Runs {@code caller} through the server against {@code callee} on the next hop's port, waits up to 30 s for both
     * to complete their scenarios, and returns their traces. Both processes end here, whatever fails.
     */
    public Calls call(Sipp.Builder caller, Sipp.Builder callee) {
        return call(caller, callee, CALL_TIME);
    }

    /** {@link #call(Sipp.Builder, Sipp.Builder)}, for scenarios that take longer than 30 s. */
    public Calls call(Sipp.Builder caller, Sipp.Builder callee, Duration timeout) {
        try (Sipp calleeRun = callee.port(calleePort).start();
                Sipp callerRun = caller.remote(sipAddress()).start()) {
            callerRun.assertSucceeded(timeout);
            calleeRun.assertSucceeded(timeout);
            return new Calls(SipMessageTrace.parse(callerRun.messages()), SipMessageTrace.parse(calleeRun.messages()));
        }
    }

    public RunningSipAnchor server() {
        return server;
    }

    public String sipAddress() {
        return server.sipAddress();
    }

    /** The port of the next hop, where tests run their callee. */
    public int calleePort() {
        return calleePort;
    }

    public RtpEngineDaemon rtpengine() {
        return rtpengine;
    }

    public String sdpName() {
        return sdpName;
    }
}
