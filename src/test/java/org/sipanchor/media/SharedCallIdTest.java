package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;


import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.engine.ReleaseResult;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * Calls that share a Call-ID (a retry after 401/407, a spiral through this server, a peer reusing a live call's
 * Call-ID) against a real RTPEngine: releasing one never cuts another's media.
 */
@DisplayName("Calls sharing a Call-ID")
class SharedCallIdTest {

    @RegisterExtension
    final RtpEngineDaemon daemon = RtpEngineDaemon.builder().build();

    @RegisterExtension
    final MediaStack media = MediaStack.on(daemon, "shared-test");

    @Test
    @DisplayName("two live calls with one Call-ID: releasing the first leaves the second's media; releasing the last deletes it")
    void lastReleaseDeletes() throws Exception {
        MediaCall first = offered("shared-1", "alice");
        MediaCall second = offered("shared-1", "carol"); // the same Call-ID reused with another From tag
        assertEquals(2, media.rtpengine().liveCalls());

        assertTrue(media.rtpengine().delete(first), "released by this call");
        assertTrue(first.isReleased());
        assertFalse(second.isReleased(), "the other call is not touched");
        assertTrue(media.rtpengine().isLive("shared-1"));
        assertTrue(existsAtRtpEngine("shared-1"), "RTPEngine still has the call the second one uses");
        assertEquals(0, daemon.commandsLogged("shared-1", "delete"), "no delete sent while another call uses the Call-ID");

        assertTrue(media.rtpengine().delete(second));
        assertFalse(media.rtpengine().isLive("shared-1"));
        assertEquals(0, daemon.sessionCount());
    }

    @Test
    @DisplayName("a call this server anchors is recognised by its Call-ID and caller's tag (a spiral, a reuse) until it is released")
    void recognisesItsOwnCall() {
        MediaCall call = offered("spiral-1", "alice");
        assertTrue(media.rtpengine().isAnchoring("spiral-1", "alice"));
        assertFalse(media.rtpengine().isAnchoring("spiral-1", "bob"), "another From tag is another dialog");
        assertFalse(media.rtpengine().isAnchoring("other-1", "alice"));
        media.rtpengine().delete(call);
        assertFalse(media.rtpengine().isAnchoring("spiral-1", "alice"), "a released call is no longer in the way of a retry");
    }

    @Test
    @DisplayName("a retry with the same Call-ID keeps its media when its first attempt's release was not confirmed yet")
    void retryOutlivesUnconfirmedRelease() throws Exception {
        MediaCall attempt = offered("retry-1", "alice");
        daemon.pause();
        try {
            // the release does not wait for RTPEngine: its outcome comes when the frozen daemon's timeout ends it
            assertEquals(ReleaseResult.PENDING, media.rtpengine().released(attempt).orElseThrow().get(5, TimeUnit.SECONDS));
            assertEquals(1, media.engines().pendingReleases(), "the first attempt's delete is kept for another try");
            // Its tries while frozen fail too (after 1 s, then 2 s later): the next is due 4 s after that, ~7 s from
            // the delete, by when the retry below has been offered.
            Thread.sleep(4_300);
        } finally {
            daemon.resume();
        }
        await(() -> media.engines().upCount() == 1, 5_000);
        MediaCall retry = offered("retry-1", "alice"); // after 407, the caller tries again with the same Call-ID
        assertEquals(0, media.engines().pendingReleases(), "the new call's offer supersedes the kept release");
        Thread.sleep(3_500); // past the kept release's next try: it would have deleted the retry's media by now
        assertTrue(existsAtRtpEngine("retry-1"), "the retry's media is still there");
        assertTrue(media.rtpengine().isLive("retry-1"));
        assertTrue(media.rtpengine().delete(retry));
        await(() -> daemon.sessionCount() == 0, 5_000);
    }

    private boolean existsAtRtpEngine(String callId) throws Exception {
        try (NgClient client = NgClient.builder().address(daemon.ngAddress()).build()) {
            return client.execute(NgRequest.query(callId)).isSuccess();
        } catch (org.sipanchor.ng.NgErrorException e) {
            return false;
        }
    }

    private MediaCall offered(String callId, String callerTag) {
        MediaCall call = new MediaCall(callId, "rtp_passthrough", callerTag);
        media.rtpengine().offer(call, Offer.of(callerTag, SampleSdp.plainAudio(callId, 40000).getBytes(StandardCharsets.UTF_8)));
        return call;
    }

    private static void await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            Thread.sleep(10);
        }
    }

}
