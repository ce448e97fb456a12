package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertPlainRtp;
import static org.sipanchor.testing.AnchoredSdp.assertWebRtcAnswer;
import static org.sipanchor.testing.AnchoredSdp.assertWebRtcOffer;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoredSdp;
import org.sipanchor.testing.BrowserPhone;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;
import org.sipanchor.testing.TestKeystore;

/**
 * The bundled B2BUA as a WebRTC gateway: browsers speak SIP over WebSocket (RFC 7118) and secure WebSocket to it,
 * the core speaks SIP over UDP or TCP, and {@code wss_to_rtp} turns the browser's DTLS-SRTP with ICE into plain RTP
 * for the core and back, whichever side calls. The same server keeps serving UDP and TCP with the stack's NIO
 * transports that WebSocket needs.
 */
@DisplayName("The bundled B2BUA as a WebRTC gateway over SIP/WebSocket")
class B2buaWebSocketIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    @RegisterExtension
    static final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().build();

    private static SipAnchorServer gateway;
    private static TestKeystore keys;
    private static int calleePort;
    private static int wsPort;
    private static int wssPort;

    @BeforeAll
    static void startGateway() {
        int sipPort = LoopbackPorts.free();
        calleePort = LoopbackPorts.free();
        wsPort = LoopbackPorts.free();
        wssPort = LoopbackPorts.free();
        keys = TestKeystore.create("wss-keystore");
        gateway = SipAnchorServer.start("""
                sip:
                  listen:
                    - { transport: udp, address: "127.0.0.1:%1$d" }
                    - { transport: tcp, address: "127.0.0.1:%1$d" }
                    - { transport: ws, address: "127.0.0.1:%2$d" }
                    - { transport: wss, address: "127.0.0.1:%3$d" }
                  tls:
                    keystore: "%4$s"
                    keystore_password: "%5$s"
                app:
                  mode: b2bua
                  next_hop: "sip:127.0.0.1:%6$d"
                  profile: wss_to_rtp
                  auth: off
                media:
                  rtpengine:
                    address: "%7$s"
                """.formatted(sipPort, wsPort, wssPort, keys.path(), keys.password(), calleePort,
                rtpengine.ngHostPort()), sipPort);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            assertEquals(0, gateway.stop());
        }
    }

    @AfterEach
    void noSessionLeft() {
        AnchoredSdp.assertNoSessionLeft(rtpengine);
    }

    @Test
    @DisplayName("a browser registers over secure WebSocket; its .invalid contact becomes its connection, transport wss")
    void browserRegisters() {
        try (BrowserPhone browser = BrowserPhone.connect(wss(), "reg", keys.trustingContext())) {
            Message ok = browser.register();
            assertEquals(200, ok.status(), ok.toString());
            String contact = ok.header("Contact").orElse("");
            assertTrue(contact.contains("@127.0.0.1:") && contact.toLowerCase().contains("transport=wss"), contact);
            assertFalse(contact.contains(".invalid"), contact);
        }
    }

    @Test
    @DisplayName("a browser calls the core over wss: the core gets RTP/AVP without ICE or DTLS, the browser DTLS-SRTP with ICE")
    void browserCallsCore() {
        try (Sipp core = Sipp.scenario("uas-answer.xml").port(calleePort).start();
                BrowserPhone browser = BrowserPhone.connect(wss(), "alice", keys.trustingContext())) {
            BrowserPhone.Call call = browser.call("core", Sipp.sdp("browser-offer.sdp"));
            assertEquals(200, call.hangUp().status());
            core.assertSucceeded(CALL_TIME);

            String toCore = SipMessageTrace.parse(core.messages()).received("INVITE").get(0).body();
            assertPlainRtp(toCore, rtpengine, "sipanchor");
            assertWebRtcAnswer(call.setUp().body(), rtpengine, "sipanchor");
        }
    }

    @Test
    @DisplayName("the core calls a browser registered over wss: the browser is offered DTLS-SRTP with ICE and a mid, the core gets RTP/AVP")
    void coreCallsBrowser() {
        try (BrowserPhone browser = BrowserPhone.connect(wss(), "carol", keys.trustingContext())) {
            assertEquals(200, browser.register().status());
            Sipp core = Sipp.scenario("uac-call.xml").service("carol").remote(gateway.sipAddress()).start();
            BrowserPhone.Call call = browser.answer(Sipp.sdp("browser-answer.sdp"));
            browser.answerRequest("BYE");
            core.assertSucceeded(CALL_TIME);

            assertWebRtcOffer(call.setUp().body(), rtpengine, "sipanchor");
            String toCore = SipMessageTrace.parse(core.messages()).receivedResponses(200, "INVITE").get(0).body();
            assertPlainRtp(toCore, rtpengine, "sipanchor");
        }
    }

    @Test
    @DisplayName("plain ws works the same way: a browser calls the core, the core hangs up")
    void browserOverPlainWebSocket() {
        try (Sipp core = Sipp.scenario("uas-answer-bye.xml").port(calleePort).start();
                BrowserPhone browser = BrowserPhone.connect(URI.create("ws://127.0.0.1:" + wsPort), "dave", null)) {
            BrowserPhone.Call call = browser.call("core", Sipp.sdp("browser-offer.sdp"));
            browser.answerRequest("BYE");
            core.assertSucceeded(CALL_TIME);
            assertWebRtcAnswer(call.setUp().body(), rtpengine, "sipanchor");
        }
    }

    @Test
    @DisplayName("UDP and TCP keep working next to WebSocket: a TCP caller reaches a UDP callee through the gateway")
    void tcpNextToWebSocket() {
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").tcp().offer("browser-offer.sdp").service("core").remote(gateway.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            assertPlainRtp(SipMessageTrace.parse(callee.messages()).received("INVITE").get(0).body(), rtpengine, "sipanchor");
        }
    }

    private static URI wss() {
        return URI.create("wss://127.0.0.1:" + wssPort);
    }
}
