package org.sipanchor.ng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/** What the client does when the daemon dies, restarts or refuses. Each test gets its own daemon. */
@DisplayName("NgClient when rtpengine dies, restarts or is full")
class NgClientResilienceTest {

    @RegisterExtension
    final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().extraArgs("--max-sessions=1").build();

    private static NgRequest offer(String callId) {
        return NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("a").sdp(SampleSdp.plainAudio(callId, 40000))
                .build();
    }

    @Test
    void over_the_session_limit_rtpengine_answers_load_limit_a_capacity_refusal() throws Exception {
        try (NgClient client = NgClient.builder().address(rtpengine.ngAddress()).build()) {
            client.execute(offer("first"));

            NgLoadLimitException e = assertThrows(NgLoadLimitException.class, () -> client.execute(offer("second")));

            assertTrue(e.isCapacityRefusal());
            assertEquals(NgReply.Result.LOAD_LIMIT, e.reply().result());
            assertEquals("Parallel session limit reached", e.reason());
            assertEquals("second", e.callId().orElseThrow());
            assertEquals(1, rtpengine.sessionCount(), "the refused call was not created");
        }
    }

    @Test
    void without_announcing_load_limit_support_the_same_refusal_is_a_plain_error_still_recognised() throws Exception {
        try (NgClient client = NgClient.builder().address(rtpengine.ngAddress()).build()) {
            client.execute(offer("first"));

            NgErrorException e = assertThrows(NgErrorException.class, () -> client.execute(
                    offer("legacy").toBuilder().supports(java.util.List.of()).build()));

            assertEquals(NgReply.Result.ERROR, e.reply().result());
            assertEquals("Parallel session limit reached", e.reason());
            assertTrue(e.isCapacityRefusal());
        }
    }

    @Test
    void a_tcp_client_reconnects_by_itself_after_rtpengine_restarts() throws Exception {
        try (NgClient client = NgClient.builder().address(rtpengine.tcpNgAddress()).transport(NgTransportKind.TCP)
                .build()) {
            assertEquals(NgReply.Result.OK, client.execute(offer("before")).result());

            rtpengine.restart();

            assertEquals(NgReply.Result.PONG, client.execute(NgRequest.ping()).result());
            assertEquals(NgReply.Result.OK, client.execute(offer("after")).result());
        }
    }

    @Test
    void a_tcp_client_fails_fast_while_rtpengine_is_down() throws Exception {
        try (NgClient client = NgClient.builder().address(rtpengine.tcpNgAddress()).transport(NgTransportKind.TCP)
                .timeout(Duration.ofSeconds(5)).build()) {
            client.execute(NgRequest.ping());
            rtpengine.kill();

            long start = System.nanoTime();
            NgTransportException e = assertThrows(NgTransportException.class, () -> client.execute(NgRequest.ping()));

            assertTrue((System.nanoTime() - start) / 1_000_000 < 2000, "no need to wait for the 5 s timeout");
            assertEquals(rtpengine.tcpNgAddress(), e.instance());
        }
    }

    @Test
    void a_udp_client_times_out_while_rtpengine_is_down_and_works_again_once_it_is_back() throws Exception {
        try (NgClient client = NgClient.builder().address(rtpengine.ngAddress()).timeout(Duration.ofMillis(300))
                .build()) {
            rtpengine.kill();

            NgTimeoutException e = assertThrows(NgTimeoutException.class, () -> client.execute(offer("down")));
            assertEquals("down", e.callId().orElseThrow());

            rtpengine.start();
            assertEquals(NgReply.Result.OK, client.execute(offer("up")).result());
        }
    }
}
