package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.RetainedHeap;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.Sipp;

/**
 * An ended call leaves nothing in the server's memory for long: its SIP application session and messages are freed
 * within seconds of its BYE, not when the stack's retransmission timer of the answered BYE ends (32 s). At hundreds
 * of calls per second, those 32 s are hundreds of megabytes.
 */
@DisplayName("Memory of ended calls")
class EndedCallMemoryIT {

    private static final int CALLS = 200;
    private static final String APPLICATION_SESSION = "org.mobicents.servlet.sip.core.session.SipApplicationSessionImpl";
    /**
     * Well under the 32 s the stack keeps an answered BYE's transaction, and above the 8 s it keeps an answered
     * INVITE's (jain-sip's linger timer): the container ends a SIP session only after its last transaction, and these
     * calls last a fraction of a second.
     */
    private static final Duration FREED_WITHIN = Duration.ofSeconds(15);

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled();
    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("the application sessions of 200 ended calls are gone within 15 s of the last BYE, not 32 s")
    void applicationSessionsOfEndedCallsAreFreed(String mode) throws InterruptedException {
        AnchoringServer server = "proxy".equals(mode) ? proxy : b2bua;
        long pid = ((SipAnchorServer) server.server()).pid();
        long before = RetainedHeap.instances(pid, APPLICATION_SESSION);

        // A 100 Trying that jain-sip's 200 ms timer sends just as the 200 OK is relayed can reach the caller after
        // it, most often in a cold server's first calls: a phone drops it, SIPp would abort the call (its BYE then
        // matches nothing and the callee's media stays anchored), so here SIPp goes on as a phone does.
        server.call(Sipp.scenario("uac-call.xml").service("bob").calls(CALLS)
                        .args("-r", "100", "-default_behaviors", "all,-abortunexp"),
                Sipp.scenario("uas-answer.xml").calls(CALLS));

        long deadline = System.nanoTime() + FREED_WITHIN.toNanos();
        long left;
        do {
            Thread.sleep(1_000);
            left = RetainedHeap.instances(pid, APPLICATION_SESSION) - before;
        } while (left > CALLS / 20 && System.nanoTime() < deadline);
        assertTrue(left <= CALLS / 20, mode + " still holds " + left + " application sessions of " + CALLS
                + " ended calls " + FREED_WITHIN.toSeconds() + " s after the last one");
    }
}
