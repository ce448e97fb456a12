package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.engine.EnginePoolHealthTest.awaitNanos;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgOverloadException;
import org.sipanchor.ng.NgRefusedException;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * What the NG client refuses itself (a request too large for UDP, its bound on requests in flight) and what RTPEngine
 * refuses with an error reply are no failure of the instance: it stays in rotation, and calls go on.
 */
@DisplayName("EnginePool: a request refused locally, or answered with an error, never takes an rtpengine down")
class EnginePoolLocalRefusalTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Bigger than the largest UDP datagram (65,507 bytes): an INVITE over TCP may well carry such an SDP. */
    private static final int HUGE_SDP_BYTES = 66 * 1024;

    @RegisterExtension
    final RtpEngineDaemon a = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon b = RtpEngineDaemon.builder().build();

    @Test
    @DisplayName("an offer too large for UDP fails at once with TOO_LARGE, leaves the only instance up, and the next "
            + "normal offer succeeds")
    void oversizedOfferLeavesTheOnlyInstanceUp() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a)), INTERVAL,
                new PrometheusRegistry())) {
            CompletableFuture<EngineReply> huge = pool.offer(oversizedOffer("huge-1"));

            assertTrue(huge.isDone(), "refused before offer() returns: the caller can answer at once");
            NgRefusedException refused = refusal(huge);
            assertEquals(NgRefusedException.Kind.TOO_LARGE, refused.kind());
            assertEquals(Optional.of("huge-1"), refused.callId());
            assertEquals(NgCommand.OFFER, refused.command());
            assertEquals(1, pool.upCount(), "the instance is still up: " + pool.instances());
            assertEquals(TestCalls.name(a), pool.offer(TestCalls.offer("normal-1")).get(5, TimeUnit.SECONDS)
                    .instance());
            pool.send(TestCalls.delete("normal-1"), Optional.empty()).get(5, TimeUnit.SECONDS);
            assertEquals(0, a.sessionCount());
        }
    }

    @Test
    @DisplayName("with two instances, an oversized offer marks neither down and is not tried on the other one")
    void oversizedOfferMarksNeitherDown() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a, b), 1, 1), INTERVAL,
                registry)) {
            NgRefusedException refused = refusal(pool.offer(oversizedOffer("huge-2")));

            assertEquals(NgRefusedException.Kind.TOO_LARGE, refused.kind());
            assertEquals(2, pool.upCount(), "both still up: " + pool.instances());
            ScrapedMetrics m = ScrapedMetrics.of(registry);
            assertEquals(1, m.value("sipanchor_ng_requests_total", Map.of("command", "offer")), "one attempt");
            assertEquals(1, m.value("sipanchor_ng_requests_total", Map.of("command", "offer", "result",
                    "too_large")));
            assertEquals(0, m.value("sipanchor_rtpengine_failovers_total"));
            List<String> took = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                took.add(pool.offer(TestCalls.offer("after-" + i)).get(5, TimeUnit.SECONDS).instance());
            }
            assertEquals(List.of(TestCalls.name(a), TestCalls.name(b)).stream().sorted().toList(),
                    took.stream().sorted().toList(), "the next calls go to both");
            for (int i = 0; i < 2; i++) {
                pool.send(TestCalls.delete("after-" + i), Optional.empty()).get(5, TimeUnit.SECONDS);
            }
            assertEquals(0, a.sessionCount() + b.sessionCount());
        }
    }

    @Test
    @DisplayName("an answer too large for UDP fails at once with TOO_LARGE and leaves the instance holding the call "
            + "up; the call is still answered and deleted there")
    void oversizedAnswerLeavesTheAnchorUp() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a, b), 1, 1), INTERVAL,
                new PrometheusRegistry())) {
            EngineReply offered = pool.offer(TestCalls.offer("big-answer")).get(5, TimeUnit.SECONDS);
            Optional<String> anchor = Optional.of(offered.instance());
            NgRequest hugeAnswer = NgRequest.builder(NgCommand.ANSWER).callId("big-answer")
                    .fromTag("from-big-answer").toTag("to-big-answer").sdp(oversizedSdp("big-answer")).build();

            CompletableFuture<EngineReply> answer = pool.send(hugeAnswer, anchor);

            assertTrue(answer.isDone(), "refused before send() returns");
            assertEquals(NgRefusedException.Kind.TOO_LARGE, refusal(answer).kind());
            assertEquals(2, pool.upCount(), "both still up: " + pool.instances());
            assertEquals(offered.instance(), pool.send(TestCalls.answer("big-answer"), anchor)
                    .get(5, TimeUnit.SECONDS).instance());
            pool.send(TestCalls.delete("big-answer"), anchor).get(5, TimeUnit.SECONDS);
            assertEquals(0, a.sessionCount() + b.sessionCount());
        }
    }

    @Test
    @DisplayName("an error reply (unparsable SDP) is an answer: the only instance stays up and takes the next call")
    void errorReplyLeavesTheInstanceUp() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a)), INTERVAL,
                new PrometheusRegistry())) {
            NgRequest bad = NgRequest.builder(NgCommand.OFFER).callId("garbled").fromTag("f").sdp("garbage\r\n")
                    .build();

            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.offer(bad).get(5,
                    TimeUnit.SECONDS));

            assertInstanceOf(NgErrorException.class, e.getCause());
            assertEquals(1, pool.upCount(), "still up: " + pool.instances());
            pool.offer(TestCalls.offer("after-error")).get(5, TimeUnit.SECONDS);
            pool.send(TestCalls.delete("after-error"), Optional.empty()).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a client at its bound on requests in flight refuses at once without marking the instance down; a "
            + "delete it refused is sent again after the next answered ping")
    void inFlightBoundDoesNotMarkDown() throws Exception {
        // A long timeout: the daemon is stopped only while the client fills up, and nothing may time out meanwhile.
        Duration timeout = Duration.ofSeconds(5);
        try (EnginePool pool = EnginePool.start(TestCalls.config(timeout, List.of(a)), INTERVAL,
                new PrometheusRegistry())) {
            String name = TestCalls.name(a);
            Optional<String> anchor = Optional.of(name);
            pool.offer(TestCalls.offer("kept")).get(5, TimeUnit.SECONDS);
            List<CompletableFuture<EngineReply>> filling = new ArrayList<>();
            CompletableFuture<EngineReply> delete;
            CompletableFuture<EngineReply> offer;
            a.pause();
            try {
                // Stopped, the daemon answers nothing, so these stay in flight until it runs again: the client is full.
                while (filling.size() <= EnginePool.MAX_IN_FLIGHT && !refusedForInFlight(filling)) {
                    filling.add(pool.send(NgRequest.query("fill-" + filling.size()), anchor));
                }
                delete = pool.send(TestCalls.delete("kept"), anchor);
                offer = pool.offer(TestCalls.offer("while-full"));
            } finally {
                a.resume();
            }

            assertTrue(refusedForInFlight(filling), "the client reached its bound");
            NgRefusedException refused = refusal(delete);
            assertEquals(NgRefusedException.Kind.IN_FLIGHT_LIMIT, refused.kind());
            assertInstanceOf(NgOverloadException.class, refused);
            ExecutionException e = assertThrows(ExecutionException.class, () -> offer.get(5, TimeUnit.SECONDS));
            assertInstanceOf(EngineUnavailableException.class, e.getCause(), "no other instance to take it");
            assertEquals(1, pool.upCount(), "still up: " + pool.instances());
            assertEquals(1, pool.orphans(name), "the refused delete is remembered");
            for (CompletableFuture<EngineReply> f : filling) {
                // Answered once the daemon runs again ("Unknown call-id"), or refused at once: never a timeout.
                Throwable cause = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS))
                        .getCause();
                assertTrue(cause instanceof NgErrorException || cause instanceof NgOverloadException,
                        cause.toString());
            }
            awaitNanos(() -> pool.orphans(name) == 0, 5_000);
            assertEquals(0, a.sessionCount(), "the call whose delete was refused is gone");
            assertEquals(1, pool.upCount());
            pool.offer(TestCalls.offer("after-full")).get(5, TimeUnit.SECONDS);
            pool.send(TestCalls.delete("after-full"), anchor).get(5, TimeUnit.SECONDS);
        }
    }

    private static boolean refusedForInFlight(List<CompletableFuture<EngineReply>> futures) {
        if (futures.isEmpty()) {
            return false;
        }
        CompletableFuture<EngineReply> last = futures.get(futures.size() - 1);
        return last.isCompletedExceptionally() && last.handle((r, e) -> e instanceof NgOverloadException).join();
    }

    private static NgRefusedException refusal(CompletableFuture<EngineReply> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(NgRefusedException.class, e.getCause(), "refused locally, not: " + e.getCause());
    }

    /** A valid offer whose SDP (many attribute lines, as some endpoints send) does not fit in a UDP datagram. */
    static NgRequest oversizedOffer(String callId) {
        return NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("from-" + callId).sdp(oversizedSdp(callId))
                .build();
    }

    static String oversizedSdp(String marker) {
        StringBuilder sdp = new StringBuilder(SampleSdp.plainAudio(marker, 40000));
        for (int i = 0; sdp.length() < HUGE_SDP_BYTES; i++) {
            sdp.append("a=x-padding-").append(i).append(":0123456789abcdef0123456789abcdef\r\n");
        }
        return sdp.toString();
    }
}
