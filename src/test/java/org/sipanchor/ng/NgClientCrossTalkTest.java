package org.sipanchor.ng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * Several clients on one rtpengine. RTPEngine caches replies by cookie alone, across clients: clients whose cookies
 * collided would receive each other's replies. Every offer reply must carry the SDP of its own call.
 */
@DisplayName("Several clients hammering one rtpengine get only their own replies")
class NgClientCrossTalkTest {

    @RegisterExtension
    static final RtpEngineDaemon RTPENGINE = RtpEngineDaemon.builder().build();

    @Test
    void two_clients_in_one_jvm_one_udp_one_tcp_never_see_each_others_replies() throws Exception {
        RecordingListener udpListener = new RecordingListener();
        RecordingListener tcpListener = new RecordingListener();
        try (NgClient udp = NgClient.builder().address(RTPENGINE.ngAddress()).listener(udpListener).build();
             NgClient tcp = NgClient.builder().address(RTPENGINE.tcpNgAddress()).transport(NgTransportKind.TCP)
                     .listener(tcpListener).build()) {
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> hammer(udp, "udp", 300, 16));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> hammer(tcp, "tcp", 300, 16));
            CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);
        }
        // Cross-talk would show as replies with foreign cookies, or as an SDP of another call (checked above).
        for (RecordingListener l : List.of(udpListener, tcpListener)) {
            assertEquals(0, l.strays(NgClientListener.StrayReason.UNKNOWN_COOKIE));
            assertEquals(0, l.strays(NgClientListener.StrayReason.WRONG_ADDRESS));
            assertEquals(0, l.strays(NgClientListener.StrayReason.MALFORMED));
            assertTrue(l.strays(NgClientListener.StrayReason.DUPLICATE) <= l.retransmits.get());
        }
        assertEquals(0, tcpListener.allStrays(), "TCP never retransmits on a healthy connection");
        assertEquals(600, udpListener.replies.get());
        assertEquals(600, tcpListener.replies.get());
        assertEquals(0, RTPENGINE.sessionCount());
    }

    @Test
    void two_client_processes_hammering_one_rtpengine_get_only_their_own_replies() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<Process> processes = new ArrayList<>();
        for (String label : List.of("process-a", "process-b")) {
            processes.add(new ProcessBuilder(java, "-cp", classPath, "org.sipanchor.bench.NgHammer", "127.0.0.1",
                    String.valueOf(RTPENGINE.ngAddress().getPort()), "500", "16", label)
                    .redirectErrorStream(true).start());
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hammer process did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("OK 500"), out);
        }
        assertEquals(0, RTPENGINE.sessionCount());
    }

    private static void hammer(NgClient client, String label, int calls, int inFlight) {
        Semaphore window = new Semaphore(inFlight);
        List<CompletableFuture<NgReply>> all = new ArrayList<>();
        try {
            for (int i = 0; i < calls; i++) {
                window.acquire();
                String callId = label + "-" + i;
                all.add(client.send(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("a")
                        .sdp(SampleSdp.plainAudio(callId, 40000)).build(), Duration.ofSeconds(5))
                        .thenCompose(offer -> {
                            if (!offer.sdpText().contains("s=" + callId + "\r\n")) {
                                throw new AssertionError(callId + " received a foreign reply:\n" + offer.sdpText());
                            }
                            return client.send(NgRequest.delete(callId, "a"));
                        })
                        .whenComplete((r, e) -> window.release()));
            }
            for (CompletableFuture<NgReply> f : all) {
                NgReply deleted = f.get(30, TimeUnit.SECONDS);
                assertTrue(deleted.warning().isEmpty(), deleted.toString());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
