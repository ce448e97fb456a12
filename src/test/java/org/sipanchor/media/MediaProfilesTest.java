package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.ConfigException;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.Sipp;

@DisplayName("Media profiles")
class MediaProfilesTest {

    private static MediaConfig media(String yaml) {
        return SipAnchorConfig.parse(yaml, "sipanchor.yaml", Map.of()).media();
    }

    private static SessionDescription sdp(String file) {
        return SessionDescription.parse(Sipp.sdp(file));
    }

    private final MediaProfiles builtIn = new MediaProfiles(media(""));

    @Test
    @DisplayName("the four built-ins exist and an unknown name is a typed error naming the call")
    void builtIns() throws Exception {
        assertEquals(List.of("rtp_passthrough", "srtp_to_rtp", "ws_to_rtp", "wss_to_rtp"), List.copyOf(builtIn.names()));
        MediaException unknown = assertThrows(MediaException.class, () -> builtIn.get("nope", "call-1"));
        assertEquals(MediaException.Kind.UNKNOWN_PROFILE, unknown.kind());
        assertEquals("call-1", unknown.callId());
        assertTrue(unknown.getMessage().contains("known: rtp_passthrough, srtp_to_rtp, ws_to_rtp, wss_to_rtp"));
    }

    @Test
    @DisplayName("a profile is looked up by name once, at start-up: a name nobody defined fails there with the known names")
    void namedAtStartUp() {
        MediaProfiles withCustom = new MediaProfiles(media("media:\n  profiles:\n    ivr:\n      offer: { flags: [\"inject DTMF\"] }\n"));
        assertEquals("ivr", withCustom.named("ivr").name());
        assertEquals(Profile.SRTP_TO_RTP, withCustom.named("srtp_to_rtp"), "built-ins are the constants");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> withCustom.named("ivrr"));
        assertEquals("unknown media profile \"ivrr\" (known: ivr, rtp_passthrough, srtp_to_rtp, ws_to_rtp, wss_to_rtp)",
                unknown.getMessage());
    }

    @Test
    @DisplayName("srtp_to_rtp puts an SRTP offerer on side A and a plain RTP offerer on side B")
    void srtpOrientation() throws Exception {
        MediaProfile profile = builtIn.get("srtp_to_rtp", "c");
        assertEquals(Side.A, profile.sideOf(sdp("srtp-offer.sdp")));
        assertEquals(Side.B, profile.sideOf(sdp("pcmu-offer.sdp")));
        assertEquals("RTP/AVP", profile.offerToward(Side.B).get("transport-protocol"), "the core gets plain RTP");
        assertEquals("RTP/SAVP", profile.offerToward(Side.A).get("transport-protocol"), "the UE gets SRTP");
        assertEquals("RTP/SAVP", profile.answerToward(Side.A).get("transport-protocol"));
    }

    @Test
    @DisplayName("wss_to_rtp recognises a browser offer and offers a browser DTLS-SRTP with ICE")
    void webRtcOrientation() throws Exception {
        MediaProfile profile = builtIn.get("wss_to_rtp", "c");
        assertEquals(Side.A, profile.sideOf(sdp("browser-offer.sdp")));
        assertEquals(Side.B, profile.sideOf(sdp("pcmu-offer.sdp")));
        Map<String, Object> towardBrowser = profile.offerToward(Side.A);
        assertEquals("UDP/TLS/RTP/SAVPF", towardBrowser.get("transport-protocol"));
        assertEquals("force", towardBrowser.get("ICE"));
        Map<String, Object> towardCore = profile.offerToward(Side.B);
        assertEquals("remove", towardCore.get("ICE"));
        assertEquals("off", towardCore.get("DTLS"));
    }

    @Test
    @DisplayName("a custom profile's offer keys describe the callee's side, its answer keys the caller's")
    void customProfile() throws Exception {
        MediaProfiles profiles = new MediaProfiles(media("""
                media:
                  profiles:
                    srtp_to_srtp:
                      offer:
                        transport_protocol: "RTP/SAVP"
                        ICE: remove
                        replace: ["origin"]
                      answer:
                        transport_protocol: "RTP/SAVPF"
                """));
        MediaProfile profile = profiles.get("srtp_to_srtp", "c");
        assertEquals(Side.A, profile.sideOf(sdp("pcmu-offer.sdp")), "the first offerer is the caller's side");
        assertEquals("RTP/SAVP", profile.offerToward(Side.B).get("transport-protocol"));
        assertEquals("RTP/SAVPF", profile.answerToward(Side.A).get("transport-protocol"));
        assertFalse(profile.offerToward(Side.B).containsKey("transport_protocol"), "YAML underscores become RTPEngine's hyphens");
    }

    @Test
    @DisplayName("a flag RTPEngine would silently ignore stops start-up at its line, with the nearest valid word")
    void misspeltFlag() {
        ConfigException error = assertThrows(ConfigException.class, () -> new MediaProfiles(media("""
                media:
                  profiles:
                    trusting:
                      offer:
                        flags: ["trust adress"]
                """)));
        assertEquals(5, error.location().line(), error.getMessage());
        assertEquals("media.profiles.trusting.offer.flags", error.location().path());
        assertTrue(error.getMessage().contains("trust address"), error.getMessage());
    }

    @Test
    @DisplayName("an unknown RTPEngine key in a profile is refused too")
    void unknownKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> new MediaProfiles(media("""
                media:
                  profiles:
                    typo:
                      answer:
                        transport_protocl: "RTP/AVP"
                """)));
        assertEquals(5, error.location().line(), error.getMessage());
        assertTrue(error.getMessage().contains("transport-protocol"), error.getMessage());
    }
}
