package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEndpoint;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;
import org.sipanchor.testing.ToneFile;

/**
 * In-call media control through a call's {@link MediaSession} and its {@link Party parties}, on a real RTPEngine whose
 * media really flows between two RTP endpoints: announcements, injected and reported DTMF, gating, subscriptions.
 */
@DisplayName("In-call media control")
class MediaControlTest {

    private static final int DTMF_PORT = LoopbackPorts.free();
    private static RtpEngineDaemon daemon;
    private static EnginePool engines;
    private static RtpEngineService rtpengine;
    private static final BlockingQueue<DtmfEvent> DIGITS = new LinkedBlockingQueue<>();
    private static DtmfEventReceiver receiver;
    private static Path tone;

    private RtpEndpoint caller;
    private RtpEndpoint callee;
    private MediaCall call;
    private MediaSession session;
    private InetSocketAddress callerSendsTo;

    @BeforeAll
    static void start() {
        daemon = RtpEngineDaemon.builder().extraArgs("--dtmf-log-dest=127.0.0.1:" + DTMF_PORT).start();
        MediaConfig media = SipAnchorConfig.parse("""
                media:
                  rtpengine:
                    address: "%s"
                  profiles:
                    ivr:
                      offer: { flags: ["inject DTMF"] }
                      answer: { flags: ["inject DTMF"] }
                """.formatted(daemon.ngHostPort()), "test.yaml", Map.of()).media();
        engines = EnginePool.start(media.rtpengine(), media.healthCheckInterval(), new PrometheusRegistry());
        rtpengine = new RtpEngineService(engines, new MediaProfiles(media), media);
        receiver = DtmfEventReceiver.start(new HostPort("127.0.0.1", DTMF_PORT),
                DtmfEventReceiver.sourcesOf(media.rtpengine()), DIGITS::add);
        tone = ToneFile.write("announcement-1s.wav", 8000, 1.0);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        engines.close();
        daemon.close();
    }

    /** An answered call between two RTP endpoints, tags "caller" and "callee". */
    private void establish(String callId) throws Exception {
        caller = new RtpEndpoint();
        callee = new RtpEndpoint();
        call = new MediaCall(callId, "ivr", "caller");
        session = new MediaSession(rtpengine, call);
        rtpengine.offer(call, Offer.of("caller", bytes(SampleSdp.plainAudio(callId, caller.port()))));
        byte[] toCaller = rtpengine.answer(call, Answer.of("caller", "callee", bytes(SampleSdp.plainAudio(callId, callee.port()))));
        call.calleeTag("callee");
        int port = SessionDescription.parse(toCaller).media().get(0).port();
        callerSendsTo = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @AfterEach
    void release() throws Exception {
        // the release does not wait for RTPEngine; its future says when RTPEngine confirmed it
        rtpengine.released(call).orElseThrow().get(5, java.util.concurrent.TimeUnit.SECONDS);
        caller.close();
        callee.close();
        assertEquals(0, daemon.sessionCount(), "nothing left on RTPEngine");
    }

    @Test
    @DisplayName("play plays an announcement to one party and reports its length")
    void announcement() throws Exception {
        establish("announce-1");
        assertEquals(Duration.ofSeconds(1), session.caller().play(tone.toString()).orElseThrow());
        assertTrue(caller.awaitPayloadType(0, 2000), "the caller hears the file as PCMU");
        session.caller().stopPlaying();
    }

    @Test
    @DisplayName("the parties are found by role and by the tag RTPEngine reports, never spelt by the application")
    void partiesByRole() throws Exception {
        establish("roles-1");
        assertEquals(Party.Role.CALLER, session.party("caller").orElseThrow().role());
        assertEquals(Party.Role.CALLEE, session.party("callee").orElseThrow().role());
        assertTrue(session.party("a-subscriber").isEmpty(), "no party for a tag that is neither");
        assertEquals(Party.Role.CALLEE, session.caller().other().role());
    }

    @Test
    @DisplayName("before the answer the callee has no media: controlling it fails naming the call")
    void calleeBeforeAnswer() throws Exception {
        MediaCall unanswered = new MediaCall("early-1", "ivr", "caller");
        MediaSession early = new MediaSession(rtpengine, unanswered);
        assertFalse(early.isAnswered());
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> early.callee().silence());
        assertTrue(failure.getMessage().contains("early-1"), failure.getMessage());
        call = unanswered; // released by release(): a call never anchored is released without a session
        caller = new RtpEndpoint();
        callee = new RtpEndpoint();
    }

    @Test
    @DisplayName("a digit the caller sends reaches observers as a DtmfEvent with the call and the sender")
    void dtmfEvents() throws Exception {
        establish("dtmf-1");
        DIGITS.clear();
        caller.sendPcmu(callerSendsTo, 5);
        caller.sendDtmfEvent(callerSendsTo, 101, 7);
        caller.sendPcmu(callerSendsTo, 5);
        DtmfEvent event = DIGITS.poll(5, TimeUnit.SECONDS);
        assertEquals("dtmf-1", event == null ? null : event.callId(), "an event for the call");
        assertEquals("caller", event.sourceTag());
        assertEquals('7', event.digit());
        assertTrue(event.duration() > 0);
    }

    @Test
    @DisplayName("playDtmf injects a digit the other party receives as an RFC 4733 event")
    void injectedDigit() throws Exception {
        establish("inject-1");
        Thread talking = new Thread(() -> {
            try {
                caller.sendPcmu(callerSendsTo, 50);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        talking.start();
        callee.awaitPayloadType(0, 1000);
        session.callee().playDtmf("5", Duration.ofMillis(200));
        assertTrue(callee.awaitPayloadType(101, 2000), "the callee receives telephone-event packets");
        talking.join();
        assertTrue(call.isEchoOfInjected('5', System.currentTimeMillis()), "a '5' reported now is the injected digit's echo");
        assertFalse(call.isEchoOfInjected('5', System.currentTimeMillis()), "one injection explains one event");
    }

    @Test
    @DisplayName("silence, block media and block DTMF are accepted for a party and undone")
    void gating() throws Exception {
        establish("gate-1");
        session.caller().silence();
        session.caller().unsilence();
        session.callee().block();
        session.callee().unblock();
        session.caller().blockDtmf();
        session.caller().unblockDtmf();
    }

    @Test
    @DisplayName("a subscription gives a third party an offer carrying a party's media, and ends")
    void subscription() throws Exception {
        establish("subscribe-1");
        try (RtpEndpoint monitor = new RtpEndpoint(); Subscription subscription = session.subscribe(session.caller())) {
            String offer = new String(subscription.offer(), StandardCharsets.UTF_8);
            assertTrue(offer.contains("a=sendonly"), offer);
            subscription.answer(bytes(SampleSdp.plainAudio("subscribe-1", monitor.port(), "recvonly")));
        }
    }

    @Test
    @DisplayName("a subscription to both parties offers one stream per party, and the subscriber answers both")
    void subscriptionToBoth() throws Exception {
        establish("subscribe-2");
        try (RtpEndpoint first = new RtpEndpoint(); RtpEndpoint second = new RtpEndpoint();
                Subscription subscription = session.subscribe(session.caller(), session.callee())) {
            String offer = new String(subscription.offer(), StandardCharsets.UTF_8);
            assertEquals(2, offer.lines().filter(line -> line.startsWith("m=audio")).count(), offer);
            String one = SampleSdp.plainAudio("subscribe-2", first.port(), "recvonly");
            String two = one.substring(one.indexOf("m=audio")).replace("m=audio " + first.port(), "m=audio " + second.port());
            subscription.answer(bytes(one + two));
        }
    }

    private static byte[] bytes(String sdp) {
        return sdp.getBytes(StandardCharsets.UTF_8);
    }
}
