package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;


import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.engine.ReleaseResult;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/** A call's release through {@link RtpEngineService}: once for the caller, and never forgotten until RTPEngine confirms. */
@DisplayName("Releasing a call's media")
class MediaReleaseTest {

    @RegisterExtension
    final RtpEngineDaemon daemon = RtpEngineDaemon.builder().build();

    @RegisterExtension
    final MediaStack media = MediaStack.on(daemon, "release-test");

    @Test
    @DisplayName("an offered call is live and carries this process's label at RTPEngine until it is released")
    void liveAndLabelled() throws Exception {
        MediaCall call = offered("labelled-1");
        assertTrue(media.rtpengine().isLive("labelled-1"));
        assertEquals(1, media.rtpengine().liveCalls());
        try (NgClient client = NgClient.builder().address(daemon.ngAddress()).build()) {
            NgReply query = client.execute(NgRequest.query("labelled-1"));
            Map<?, ?> caller = (Map<?, ?>) query.tags().get("caller");
            assertEquals(media.rtpengine().mark().label(), new String((byte[]) caller.get("label"), StandardCharsets.UTF_8));
            assertTrue(media.rtpengine().mark().label().startsWith("sipanchor:release-test:"), media.rtpengine().mark().label());
        }
        CompletableFuture<ReleaseResult> released = media.rtpengine().released(call).orElseThrow();
        assertFalse(media.rtpengine().isLive("labelled-1"), "no longer live as soon as it is released");
        assertEquals(ReleaseResult.DELETED, released.get(5, TimeUnit.SECONDS), "then RTPEngine confirms the delete");
        assertEquals(0, daemon.sessionCount());
    }

    @Test
    @DisplayName("a release does not wait for RTPEngine: the caller goes on while the delete is on its way")
    void releaseDoesNotWait() throws Exception {
        MediaCall call = offered("async-1");
        daemon.pause();
        CompletableFuture<ReleaseResult> released;
        try {
            released = media.rtpengine().released(call).orElseThrow();
            // RTPEngine is frozen: a release that waited for its reply could not have returned yet
            assertFalse(released.isDone(), "returned before RTPEngine could answer");
            assertTrue(media.rtpengine().released(call).isEmpty(), "released once");
        } finally {
            daemon.resume();
        }
        assertTrue(List.of(ReleaseResult.DELETED, ReleaseResult.PENDING).contains(released.get(5, TimeUnit.SECONDS)));
        await(() -> media.engines().pendingReleases() == 0, 15_000);
        assertEquals(0, daemon.sessionCount(), "confirmed in the end");
    }

    @Test
    @DisplayName("a delete while RTPEngine is frozen releases the call once, and it is deleted once RTPEngine is back")
    void frozenRtpEngine() throws Exception {
        MediaCall call = offered("frozen-1");
        daemon.pause();
        try {
            assertTrue(media.rtpengine().delete(call), "released by this call");
            assertFalse(media.rtpengine().delete(call), "and by no other");
            assertTrue(call.isReleased());
            assertFalse(media.rtpengine().isLive("frozen-1"));
            // the first delete times out (300 ms) without a reply: the pool keeps the call for another delete
            await(() -> media.engines().pendingReleases() == 1, 5_000);
        } finally {
            daemon.resume();
        }
        await(() -> media.engines().pendingReleases() == 0, 15_000);
        assertEquals(0, daemon.sessionCount());
    }

    private MediaCall offered(String callId) {
        MediaCall call = new MediaCall(callId, "rtp_passthrough", "caller");
        media.rtpengine().offer(call, Offer.of("caller", SampleSdp.plainAudio(callId, 40000).getBytes(StandardCharsets.UTF_8)));
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
