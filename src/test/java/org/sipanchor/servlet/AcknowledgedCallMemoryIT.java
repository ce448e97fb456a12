package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.awaitSessions;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.RetainedHeap;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * A proxied call lets go of its set-up when the caller's ACK passes: the SIP stack still keeps the INVITE's
 * transactions for its linger time (5 s), but the container's data on them (the call's requests and responses, the
 * proxy branch) is gone at once, so that it dies young instead of being copied by every collection of those 5 s.
 */
@DisplayName("Memory of acknowledged calls on the bundled proxy")
class AcknowledgedCallMemoryIT {

    private static final int CALLS = 100;
    private static final String SERVER_TRANSACTION = "gov.nist.javax.sip.stack.SIPServerTransactionImpl";
    private static final String CONTAINER_DATA = "org.mobicents.servlet.sip.message.TransactionApplicationData";

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled();

    @Test
    @DisplayName("100 calls in progress, acknowledged within the stack's 5 s linger: their INVITE transactions are still kept, the container's data on them is not")
    void setUpReleasedAtTheAck() throws InterruptedException {
        long pid = ((SipAnchorServer) proxy.server()).pid();
        long transactionsBefore = RetainedHeap.instances(pid, SERVER_TRANSACTION);
        long dataBefore = RetainedHeap.instances(pid, CONTAINER_DATA);
        // calls that talk for 20 s: all of them set up and acknowledged, none ended, when the heap is counted
        try (Sipp callee = Sipp.scenario("uas-answer.xml").calls(CALLS).port(proxy.calleePort()).start();
                Sipp caller = Sipp.scenario("uac-call.xml").set("ack_to_bye_ms", "20000").service("bob").calls(CALLS)
                        .args("-r", "100", "-default_behaviors", "all,-abortunexp").remote(proxy.sipAddress()).start()) {
            awaitSessions(proxy.rtpengine(), CALLS, Duration.ofSeconds(10), "every call offered");
            awaitAcks(callee, Duration.ofSeconds(5)); // the proxy relays each ACK after it let go of its call's set-up

            long transactions = RetainedHeap.instances(pid, SERVER_TRANSACTION) - transactionsBefore;
            long data = RetainedHeap.instances(pid, CONTAINER_DATA) - dataBefore;

            assertTrue(transactions >= CALLS, "counted within the linger time, while the stack keeps the INVITEs' "
                    + "transactions: " + transactions + " server transactions more for " + CALLS + " calls");
            assertTrue(data <= CALLS / 10, data + " transactions of " + CALLS + " acknowledged calls still hold the "
                    + "container's data, with their requests and responses");
            caller.assertSucceeded(Duration.ofSeconds(60));
            callee.assertSucceeded(Duration.ofSeconds(60));
        }
    }

    private static void awaitAcks(Sipp callee, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int acks = acksReceived(callee);
        while (acks < CALLS && System.nanoTime() < deadline) {
            Thread.sleep(50);
            acks = acksReceived(callee);
        }
        assertEquals(CALLS, acks, "ACKs that reached the callee");
    }

    private static int acksReceived(Sipp callee) {
        return SipMessageTrace.parse(callee.messages()).received("ACK").size();
    }
}
