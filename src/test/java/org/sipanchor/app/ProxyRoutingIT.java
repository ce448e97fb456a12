package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * The bundled proxy and registrar, driven by SIPp peers through the launcher that ships: calls reach
 * registered contacts or the next hop, and stay on the route the proxy recorded.
 */
@DisplayName("The bundled proxy")
class ProxyRoutingIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    @RegisterExtension
    static final AnchoringServer server = AnchoringServer.bundled();

    @Test
    @DisplayName("answers OPTIONS addressed to itself with 200 and its Allow header")
    void answersOptions() {
        Sipp.scenario("options.xml").remote(server.sipAddress()).run();
    }

    @Test
    @DisplayName("sends an INVITE for a registered user to the contact it registered, over UDP")
    void routesToRegisteredContactOverUdp() {
        int calleePort = LoopbackPorts.free();
        Sipp.scenario("register.xml").port(calleePort).service("bob").remote(server.sipAddress()).run();
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("bob").remote(server.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            assertFollowsRecordRoute(SipMessageTrace.parse(caller.messages()));
        }
    }

    @Test
    @DisplayName("sends an INVITE for a registered user to the contact it registered, over TCP")
    void routesToRegisteredContactOverTcp() {
        int calleePort = LoopbackPorts.free();
        // registered from another port: TCP leaves the registering connection's port in TIME_WAIT
        Sipp.scenario("register.xml").tcp().set("contact_port", Integer.toString(calleePort)).service("carol")
                .remote(server.sipAddress()).run();
        try (Sipp callee = Sipp.scenario("uas-answer.xml").tcp().port(calleePort).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").tcp().service("carol").remote(server.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            assertFollowsRecordRoute(SipMessageTrace.parse(caller.messages()));
        }
    }

    @Test
    @DisplayName("sends an INVITE for an unknown user to app.next_hop, and its BYE along the recorded route")
    void routesUnknownUserToNextHop() {
        Calls calls = server.call(Sipp.scenario("uac-call.xml").service("nobody-registered"), Sipp.scenario("uas-answer.xml"));
        assertFollowsRecordRoute(calls.caller());
    }

    @Test
    @DisplayName("answers an INVITE 100 Trying before anything else, so that no 100 can follow the callee's 180 and 200")
    void tryingComesFirst() {
        Calls calls = server.call(Sipp.scenario("uac-call.xml").service("nobody-registered"), Sipp.scenario("uas-answer.xml"));
        List<Integer> statuses = calls.caller().receivedStatuses(calls.caller().sent("INVITE").get(0));
        assertEquals(100, statuses.get(0), "the responses to the caller's INVITE, in order: " + statuses);
        assertEquals(1, statuses.stream().filter(status -> status == 100).count(), "one 100 Trying: " + statuses);
    }

    @Test
    @DisplayName("refuses with 440 a fork wider than the INVITE's Max-Breadth (RFC 5393), before anything is anchored")
    void maxBreadthExceeded() {
        for (int i = 0; i < 2; i++) {
            Sipp.scenario("register.xml").port(LoopbackPorts.free()).service("wide").remote(server.sipAddress()).run();
        }
        Sipp.scenario("uac-max-breadth.xml").set("max_breadth", "1").set("status", "440").service("wide")
                .remote(server.sipAddress()).run();
    }

    @Test
    @DisplayName("answers 482 to an INVITE that comes back to it unchanged (a contact registered at the proxy itself)")
    void loopDetected() {
        String serverPort = server.sipAddress().substring(server.sipAddress().lastIndexOf(':') + 1);
        Sipp.scenario("register.xml").set("contact_port", serverPort).service("loop").remote(server.sipAddress()).run();
        Sipp.scenario("uac-expect-status.xml").set("status", "482").service("loop").remote(server.sipAddress()).run();
    }

    /** The caller's BYE carries the proxy's Record-Route as its Route, so the proxy stays in the dialog. */
    private void assertFollowsRecordRoute(SipMessageTrace callerTrace) {
        String proxyUri = "<sip:" + server.sipAddress();
        Message ok = callerTrace.receivedResponses(200, "INVITE").get(0);
        assertTrue(ok.headerValues("Record-Route").stream().anyMatch(route -> route.startsWith(proxyUri) && route.contains(">")),
                "the 200 OK reaching the caller carries the proxy's Record-Route\n" + ok);
        Message bye = callerTrace.sent("BYE").get(0);
        assertTrue(bye.headerValues("Route").stream().anyMatch(route -> route.startsWith(proxyUri)),
                "the caller's BYE is routed through the proxy\n" + bye);
    }
}
