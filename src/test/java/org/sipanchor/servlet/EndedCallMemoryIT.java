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
 * An ended call leaves nothing in the server's memory for long: its SIP application session, its messages and the
 * stack's transactions and dialogs are freed within seconds of its BYE, not when RFC 3261's Timer J of the answered
 * BYE ends, or the stack's check that the 2xx was acknowledged (both 32 s). At hundreds of calls per second, those
 * 32 s are hundreds of megabytes.
 */
@DisplayName("Memory of ended calls")
class EndedCallMemoryIT {

    private static final int CALLS = 200;
    private static final String APPLICATION_SESSION = "org.mobicents.servlet.sip.core.session.SipApplicationSessionImpl";
    private static final String SERVER_TRANSACTION = "gov.nist.javax.sip.stack.SIPServerTransactionImpl";
    private static final String DIALOG = "gov.nist.javax.sip.stack.SIPDialog";
    /**
     * Well under the 32 s of Timer J, and above the 5 s the stack keeps an answered INVITE's transaction (jain-sip's
     * linger timer) plus the 5 s it keeps an answered BYE's ({@link CompletedRequests}): the container ends a SIP
     * session only after its last transaction, and these calls last a fraction of a second.
     */
    private static final Duration FREED_WITHIN = Duration.ofSeconds(15);

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled();
    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("the application sessions, server transactions and dialogs of 200 ended calls are gone within 15 s of the last BYE, not 32 s")
    void applicationSessionsTransactionsAndDialogsOfEndedCallsAreFreed(String mode) throws InterruptedException {
        AnchoringServer server = "proxy".equals(mode) ? proxy : b2bua;
        long pid = ((SipAnchorServer) server.server()).pid();
        long sessionsBefore = RetainedHeap.instances(pid, APPLICATION_SESSION);
        long transactionsBefore = RetainedHeap.instances(pid, SERVER_TRANSACTION);
        long dialogsBefore = RetainedHeap.instances(pid, DIALOG);

        // A 100 Trying that jain-sip's 200 ms timer sends just as the 200 OK is relayed can reach the caller after
        // it, most often in a cold server's first calls: a phone drops it, SIPp would abort the call (its BYE then
        // matches nothing and the callee's media stays anchored), so here SIPp goes on as a phone does.
        server.call(Sipp.scenario("uac-call.xml").service("bob").calls(CALLS)
                        .args("-r", "100", "-default_behaviors", "all,-abortunexp"),
                Sipp.scenario("uas-answer.xml").calls(CALLS));

        long deadline = System.nanoTime() + FREED_WITHIN.toNanos();
        long sessions;
        long transactions;
        long dialogs;
        do {
            Thread.sleep(1_000);
            sessions = RetainedHeap.instances(pid, APPLICATION_SESSION) - sessionsBefore;
            transactions = RetainedHeap.instances(pid, SERVER_TRANSACTION) - transactionsBefore;
            dialogs = RetainedHeap.instances(pid, DIALOG) - dialogsBefore;
        } while ((sessions > CALLS / 20 || transactions > CALLS / 20 || dialogs > CALLS / 20)
                && System.nanoTime() < deadline);
        assertTrue(sessions <= CALLS / 20, mode + " still holds " + sessions + " application sessions of " + CALLS
                + " ended calls " + FREED_WITHIN.toSeconds() + " s after the last one");
        // two per call until then: the INVITE's and the BYE's
        assertTrue(transactions <= CALLS / 20, mode + " still holds " + transactions + " server transactions of "
                + CALLS + " ended calls " + FREED_WITHIN.toSeconds() + " s after the last one");
        // the B2BUA's two per call until then: the caller's and the callee's (the proxy's container keeps none)
        assertTrue(dialogs <= CALLS / 20, mode + " still holds " + dialogs + " dialogs of " + CALLS
                + " ended calls " + FREED_WITHIN.toSeconds() + " s after the last one");
    }
}
