package org.sipanchor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;

/** Assertions on SDP that went through sipanchor: anchored on a given RTPEngine, identity masked. */
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

    /** Waits until RTPEngine holds no session, and fails if one is left after a few seconds. */
    public static void assertNoSessionLeft(RtpEngineDaemon rtpengine) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int sessions = rtpengine.sessionCount();
        while (sessions != 0 && System.nanoTime() < deadline) {
            sleep(100);
            sessions = rtpengine.sessionCount();
        }
        assertEquals(0, sessions, "RTPEngine sessions left after the call");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
