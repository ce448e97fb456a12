package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * At the edge, nobody takes over anyone else's calls: REGISTER is challenged (401) and a user registers only its own
 * address (403 otherwise); an INVITE from a source that is not trusted is challenged (407) and goes on once
 * authenticated. SIPp binds 127.0.0.1, so the trusted list here leaves it out. SIPp answers with MD5; SHA-256 is
 * covered by the unit tests.
 */
@DisplayName("Authentication at the edge")
class EdgeAuthenticationIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);
    /** SIPp 3.6 answers only the first challenge and knows only MD5: the server offers that alone here. */
    private static final String AUTH = "{ realm: \"edge.test\", users: { alice: { password: \"alice-secret\" }, "
            + "bob: { password: \"bob-secret\" } }, trusted: [\"192.0.2.0/24\"], algorithms: [MD5] }";
    /** The registered contact in the 200, as an XML-escaped SIPp regular expression. */
    private static final String CONTACT_ECHOED = "Contact: *&lt;sip:[^@]*@127\\.0\\.0\\.1:[0-9]+;transport=UDP&gt;;expires=(29[0-9]|300)";

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().auth(AUTH);
    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua").auth(AUTH);

    @Nested
    @DisplayName("in proxy mode")
    class ProxyMode {

        @Test
        @DisplayName("challenges a REGISTER with 401 and stores the contact once it authenticates")
        void registerAuthenticates() {
            registersAs(proxy, "bob", "bob", "bob-secret", LoopbackPorts.free(), "200", CONTACT_ECHOED);
        }

        @Test
        @DisplayName("refuses with 403 a user registering someone else's address, and a wrong password")
        void othersAddressRefused() {
            registersAs(proxy, "bob", "alice", "alice-secret", LoopbackPorts.free(), "403", "SIP/2.0 403");
            registersAs(proxy, "bob", "bob", "guess", LoopbackPorts.free(), "403", "SIP/2.0 403");
        }

        @Test
        @DisplayName("challenges an INVITE from an untrusted source with 407, and nothing reaches the callee")
        void unauthenticatedInvite() {
            Sipp.scenario("uac-expect-status.xml").set("status", "407").service("nobody-registered")
                    .remote(proxy.sipAddress()).run();
        }

        @Test
        @DisplayName("puts an authenticated caller through to the contact the callee registered with credentials")
        void authenticatedCall() {
            authenticatedCallTo(proxy);
        }
    }

    @Nested
    @DisplayName("in b2bua mode")
    class B2buaMode {

        @Test
        @DisplayName("refuses with 403 a user registering someone else's address")
        void othersAddressRefused() {
            registersAs(b2bua, "alice", "bob", "bob-secret", LoopbackPorts.free(), "403", "SIP/2.0 403");
        }

        @Test
        @DisplayName("challenges an INVITE from an untrusted source with 407 before any B-leg exists")
        void unauthenticatedInvite() {
            Sipp.scenario("uac-expect-status.xml").set("status", "407").service("nobody-registered")
                    .remote(b2bua.sipAddress()).run();
        }

        @Test
        @DisplayName("puts an authenticated caller through to an authenticated callee")
        void authenticatedCall() {
            authenticatedCallTo(b2bua);
        }
    }

    private static void registersAs(AnchoringServer server, String aorUser, String authUser, String password, int port,
            String status, String check) {
        Sipp.scenario("register-auth.xml").port(port).service(aorUser).args("-au", authUser, "-ap", password)
                .set("status", status).set("contact_check", check).remote(server.sipAddress()).run();
    }

    private static void authenticatedCallTo(AnchoringServer server) {
        int calleePort = LoopbackPorts.free();
        registersAs(server, "bob", "bob", "bob-secret", calleePort, "200", CONTACT_ECHOED);
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start();
                Sipp caller = Sipp.scenario("uac-call-auth.xml").service("bob").args("-au", "alice", "-ap", "alice-secret")
                        .remote(server.sipAddress()).start()) {
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            SipMessageTrace calleeTrace = SipMessageTrace.parse(callee.messages());
            assertEquals(1, calleeTrace.received("INVITE").size(), "only the authenticated INVITE reaches the callee");
            String invite = calleeTrace.received("INVITE").get(0).toString();
            assertFalse(invite.contains("alice-secret"), invite);
            assertTrue(SipMessageTrace.parse(caller.messages()).receivedResponses(407, "INVITE").size() == 1);
        }
    }
}
