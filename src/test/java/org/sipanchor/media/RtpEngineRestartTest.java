package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;


import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * An RTPEngine that restarts on the same ports and forgets its calls, against a real daemon: the calls it held get a
 * clear error for their next command, their releases count as done (no retries), and new calls go on.
 */
@DisplayName("An RTPEngine that restarts and forgets its calls")
class RtpEngineRestartTest {

    @RegisterExtension
    final RtpEngineDaemon daemon = RtpEngineDaemon.builder().build();

    @RegisterExtension
    final MediaStack media = MediaStack.on(daemon, "restart-test");

    @Test
    @DisplayName("costs the calls it held, each with one clear error, and nothing else: no retried deletes, new calls anchored")
    void costsOnlyItsCalls() throws Exception {
        MediaCall lost = offered("lost-1");
        MediaCall alsoLost = offered("lost-2");
        daemon.restart();
        await(() -> media.engines().upCount() == 1, 5_000);

        MediaException error = assertThrows(MediaException.class, () -> media.rtpengine().answer(lost,
                Answer.of("caller", "callee", SampleSdp.plainAudio("lost-1", 41000).getBytes(StandardCharsets.UTF_8))));
        assertEquals(MediaException.Kind.REFUSED, error.kind(), error.reason());
        assertTrue(error.reason().toLowerCase().contains("unknown call"), error.reason());
        assertTrue(error.getMessage().contains("lost-1"), "names the Call-ID: " + error.getMessage());

        assertTrue(media.rtpengine().delete(lost));
        assertTrue(media.rtpengine().delete(alsoLost));
        assertEquals(0, media.engines().pendingReleases(), "\"unknown call\" is a release done, not one to retry");
        Thread.sleep(2_500); // a retry would be due by now
        assertEquals(1, daemon.commandsLogged("lost-1", "delete"), "one delete per lost call");
        assertEquals(1, daemon.commandsLogged("lost-2", "delete"), "one delete per lost call");

        MediaCall fresh = offered("fresh-1");
        assertTrue(media.rtpengine().isLive("fresh-1"));
        assertEquals(1, daemon.sessionCount(), "a new call is anchored on the restarted instance");
        assertTrue(media.rtpengine().delete(fresh));
        await(() -> daemon.sessionCount() == 0, 5_000);
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
