package org.sipanchor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;

/**
 * Assertions on SDP that went through sipanchor: anchored on a given RTPEngine, identity masked, and shaped as the
 * media profiles promise (plain RTP, SDES-SRTP, WebRTC).
 */
public final class AnchoredSdp {

    private AnchoredSdp() {
    }

    /**
     * Every active stream points at the RTPEngine (its address and one of its ports), and o= and s= carry
     * {@code sdpName} instead of the endpoint's identity.
     */
    public static SessionDescription assertAnchored(String sdpText, RtpEngineDaemon rtpengine, String sdpName) {
        assertFalse(sdpText.isBlank(), "no SDP");
        SessionDescription sdp = SessionDescription.parse(sdpText);
        assertEquals(sdpName, sdp.origin().username(), "o= user name masked\n" + sdpText);
        assertEquals(sdpName, sdp.sessionName(), "s= masked\n" + sdpText);
        assertTrue(sdp.hasEnabledMedia(), "an active stream\n" + sdpText);
        for (MediaDescription media : sdp.media()) {
            if (!media.isEnabled()) {
                continue;
            }
            assertEquals("127.0.0.1", media.effectiveConnection().orElseThrow().address(), "c= is RTPEngine's\n" + sdpText);
            assertTrue(media.port() >= rtpengine.rtpPortMin() && media.port() <= rtpengine.rtpPortMax(),
                    "m= port " + media.port() + " is one of RTPEngine's (" + rtpengine.rtpPortMin() + "-"
                            + rtpengine.rtpPortMax() + ")\n" + sdpText);
        }
        return sdp;
    }

    /** The SDES keys of the sample SRTP offer and answer: what RTPEngine must never pass on from an endpoint. */
    private static final List<String> ENDPOINT_SRTP_KEYS = Stream.of("srtp-offer.sdp", "srtp-answer.sdp")
            .flatMap(file -> Pattern.compile("inline:([^|\\s]+)").matcher(Sipp.sdp(file)).results().map(m -> m.group(1)))
            .toList();

    /**
     * Anchored plain RTP, as the core side of {@code srtp_to_rtp} and {@code wss_to_rtp} must see it: RTP/AVP without
     * a=crypto, DTLS fingerprint or ICE, and RTCP on its own port (no rtcp-mux).
     */
    public static SessionDescription assertPlainRtp(String sdpText, RtpEngineDaemon rtpengine, String sdpName) {
        SessionDescription sdp = assertAnchored(sdpText, rtpengine, sdpName);
        MediaDescription audio = sdp.media().get(0);
        assertEquals("RTP/AVP", audio.protocol(), sdpText);
        assertFalse(audio.hasCrypto(), "no a=crypto on the RTP side\n" + sdpText);
        assertFalse(audio.hasAttribute("fingerprint") || audio.hasAttribute("ice-ufrag") || audio.hasAttribute("candidate"),
                "no DTLS or ICE on the RTP side\n" + sdpText);
        assertFalse(audio.hasAttribute("rtcp-mux"), "RTCP demultiplexed toward the core\n" + sdpText);
        return sdp;
    }

    /**
     * Anchored SDES-SRTP, as the secure side of {@code srtp_to_rtp} must see it: RTP/SAVP with a=crypto carrying
     * RTPEngine's own key (not one of the sample SDPs'), and no DTLS fingerprint or ICE.
     */
    public static SessionDescription assertSdesSrtp(String sdpText, RtpEngineDaemon rtpengine, String sdpName) {
        SessionDescription sdp = assertAnchored(sdpText, rtpengine, sdpName);
        MediaDescription audio = sdp.media().get(0);
        assertEquals("RTP/SAVP", audio.protocol(), sdpText);
        assertTrue(audio.hasCrypto(), "a=crypto on the secure side\n" + sdpText);
        for (String key : ENDPOINT_SRTP_KEYS) {
            assertFalse(sdpText.contains(key), "RTPEngine's key, not an endpoint's\n" + sdpText);
        }
        assertFalse(audio.hasAttribute("fingerprint") || audio.hasAttribute("ice-ufrag"), "no DTLS or ICE with SDES\n" + sdpText);
        return sdp;
    }

    /**
     * An anchored WebRTC offer, as {@code wss_to_rtp} sends it to a browser: {@link #assertWebRtcAnswer what an answer
     * has}, with the fingerprint and ICE credentials on the m= line and an a=mid.
     */
    public static SessionDescription assertWebRtcOffer(String sdpText, RtpEngineDaemon rtpengine, String sdpName) {
        SessionDescription sdp = assertWebRtcAnswer(sdpText, rtpengine, sdpName);
        MediaDescription audio = sdp.media().get(0);
        assertTrue(audio.hasAttribute("fingerprint"), "a DTLS fingerprint on the m= line\n" + sdpText);
        assertTrue(audio.hasAttribute("ice-ufrag"), "ICE credentials on the m= line\n" + sdpText);
        assertTrue(audio.mid().isPresent(), "a=mid generated\n" + sdpText);
        return sdp;
    }

    /**
     * Anchored WebRTC, as {@code wss_to_rtp} answers a browser: UDP/TLS/RTP/SAVPF with a DTLS fingerprint and no SDES,
     * ICE credentials with RTPEngine as the only candidate, and rtcp-mux.
     */
    public static SessionDescription assertWebRtcAnswer(String sdpText, RtpEngineDaemon rtpengine, String sdpName) {
        SessionDescription sdp = assertAnchored(sdpText, rtpengine, sdpName);
        MediaDescription audio = sdp.media().get(0);
        assertEquals("UDP/TLS/RTP/SAVPF", audio.protocol(), sdpText);
        assertTrue(audio.hasAttribute("fingerprint") || sdp.attribute("fingerprint").isPresent(), "a DTLS fingerprint\n" + sdpText);
        assertTrue(audio.hasAttribute("ice-ufrag") || sdp.attribute("ice-ufrag").isPresent(), "ICE credentials\n" + sdpText);
        assertFalse(audio.attributeValues("candidate").isEmpty(), "ICE candidates\n" + sdpText);
        assertTrue(audio.attributeValues("candidate").stream().allMatch(c -> c.contains("127.0.0.1")),
                "RTPEngine is the only ICE candidate\n" + sdpText);
        assertTrue(audio.hasAttribute("rtcp-mux"), "rtcp-mux\n" + sdpText);
        assertFalse(audio.hasCrypto(), "no SDES toward the browser\n" + sdpText);
        return sdp;
    }

    /** Waits until RTPEngine holds no session, and fails if one is left after a few seconds. */
    public static void assertNoSessionLeft(RtpEngineDaemon rtpengine) {
        awaitSessions(rtpengine, 0, Duration.ofSeconds(5), "RTPEngine sessions left after the call");
    }

    /** Waits until RTPEngine holds {@code count} sessions, and fails if it does not within {@code timeout}. */
    public static void awaitSessions(RtpEngineDaemon rtpengine, int count, Duration timeout, String message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int sessions = rtpengine.sessionCount();
        while (sessions != count && System.nanoTime() < deadline) {
            sleep(100);
            sessions = rtpengine.sessionCount();
        }
        assertEquals(count, sessions, message);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
