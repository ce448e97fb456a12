package org.sipanchor.ng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.LossyUdpRelay;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/** Calls against a real rtpengine through a relay that loses NG datagrams both ways. */
@DisplayName("NgClient against a real rtpengine through a lossy network")
class NgClientUnderLossTest {

    @RegisterExtension
    static final RtpEngineDaemon RTPENGINE = RtpEngineDaemon.builder().build();

    private static final int CALLS = 100;

    @Test
    void every_call_is_set_up_and_torn_down_while_30_percent_of_datagrams_are_lost_each_way() throws Exception {
        RecordingListener listener = new RecordingListener();
        ExecutorService workers = Executors.newFixedThreadPool(10);
        try (LossyUdpRelay relay = new LossyUdpRelay(RTPENGINE.ngAddress(), 0.3, 0.3, 42);
             // Default retransmission; a 2 s timeout (about 20 transmissions) makes a failure at this loss rate
             // about one in a million per command, rather than one in a thousand with 1 s.
             NgClient client = NgClient.builder().address(relay.address()).timeout(Duration.ofSeconds(2))
                     .listener(listener).build()) {

            List<CompletableFuture<Void>> setups = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                String callId = "lossy-" + i;
                setups.add(CompletableFuture.runAsync(() -> setUp(client, callId), workers));
            }
            CompletableFuture.allOf(setups.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            // Retransmitted offers hit RTPEngine's reply cache: exactly one call each, none lost, none doubled.
            assertEquals(CALLS, RTPENGINE.sessionCount());

            List<CompletableFuture<Void>> teardowns = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                String callId = "lossy-" + i;
                teardowns.add(CompletableFuture.runAsync(() -> tearDown(client, callId), workers));
            }
            CompletableFuture.allOf(teardowns.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertEquals(0, RTPENGINE.sessionCount());
            assertEquals(0, listener.timeouts.get());
            assertEquals(CALLS * 3, listener.replies.get());
            assertTrue(relay.droppedToServer.get() > 30 && relay.droppedToClient.get() > 30, relay.toString());
            assertTrue(listener.retransmits.get() > 60, "retransmissions: " + listener.retransmits);
        } finally {
            workers.shutdownNow();
        }
    }

    private static void setUp(NgClient client, String callId) {
        try {
            NgReply offer = client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("a")
                    .sdp(SampleSdp.plainAudio(callId, 40000)).build());
            if (!offer.sdpText().contains("s=" + callId + "\r\n")) {
                throw new AssertionError(callId + " got another call's SDP:\n" + offer.sdpText());
            }
            NgReply answer = client.execute(NgRequest.builder(NgCommand.ANSWER).callId(callId).fromTag("a")
                    .toTag("b").sdp(SampleSdp.plainAudio(callId, 40002)).build());
            if (!answer.sdpText().contains("s=" + callId + "\r\n")) {
                throw new AssertionError(callId + " got another call's SDP:\n" + answer.sdpText());
            }
        } catch (NgException e) {
            throw new AssertionError(e);
        }
    }

    private static void tearDown(NgClient client, String callId) {
        try {
            NgReply deleted = client.execute(NgRequest.delete(callId, "a"));
            if (deleted.warning().isPresent()) {
                throw new AssertionError(callId + ": " + deleted.warning().get());
            }
        } catch (NgException e) {
            throw new AssertionError(e);
        }
    }
}
