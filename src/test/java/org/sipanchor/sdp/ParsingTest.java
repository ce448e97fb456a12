package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Parsing reads what real endpoints send")
class ParsingTest {

    private static List<String> types(SessionDescription sdp) {
        return sdp.media().stream().map(MediaDescription::type).toList();
    }

    private static List<String> names(MediaDescription m) {
        return m.codecs().values().stream().map(c -> c.name() + "/" + c.clockRate()).toList();
    }

    @Nested
    @DisplayName("a Chrome WebRTC offer")
    class Chrome {
        final SessionDescription sdp = Fixtures.sdp("chrome-offer.sdp");

        @Test
        void hasTheSessionLines() {
            assertEquals(0, sdp.version());
            assertEquals(new Origin("-", "4611731400430051336", "2", "IN", "IP4", "127.0.0.1"), sdp.origin());
            assertEquals("-", sdp.sessionName());
            assertEquals(Optional.empty(), sdp.connection());
            assertEquals(Optional.of("BUNDLE 0 1 2"), sdp.attribute("group"));
            assertEquals(Optional.of(" WMS 5b4c6d1e-8f7a-4e21-9c3b-2a6f0d8e7c41"), sdp.attribute("msid-semantic"));
            assertTrue(sdp.attributes().contains(Attribute.flag("extmap-allow-mixed")));
        }

        @Test
        void hasAudioVideoAndADataChannelOnOneBundledPort() {
            assertEquals(List.of("audio", "video", "application"), types(sdp));
            for (MediaDescription m : sdp.media()) {
                assertEquals(56143, m.port());
                assertEquals(OptionalInt.empty(), m.portCount());
                assertTrue(m.isEnabled());
                assertEquals(Optional.of(new Connection("IN", "IP4", "198.51.100.23")), m.connection());
            }
            assertEquals(List.of("0", "1", "2"), sdp.media().stream().map(m -> m.mid().orElseThrow()).toList());
            assertEquals("UDP/TLS/RTP/SAVPF", sdp.media().get(0).protocol());
            assertEquals("UDP/DTLS/SCTP", sdp.media().get(2).protocol());
            assertEquals(List.of("webrtc-datachannel"), sdp.media().get(2).formats());
            assertTrue(sdp.hasIce());
            assertFalse(sdp.hasCrypto());
        }

        @Test
        void audioCodecsComeFromRtpmapInMLineOrder() {
            MediaDescription audio = sdp.media().get(0);
            assertEquals(List.of("111", "63", "9", "0", "8", "13", "110", "126"), audio.formats());
            assertEquals(List.of("opus/48000", "red/48000", "G722/8000", "PCMU/8000", "PCMA/8000", "CN/8000",
                    "telephone-event/48000", "telephone-event/8000"), names(audio));
            Codec opus = audio.codecs().get(111);
            assertEquals(new Codec(111, "opus", 48000, 2, Optional.of("minptime=10;useinbandfec=1")), opus);
            assertEquals(Optional.of("1"), opus.parameter("useinbandfec"));
            assertEquals(Optional.of("111/111"), audio.codecs().get(63).parameters());
            assertEquals(Direction.SENDRECV, audio.direction());
            assertEquals(3, audio.attributeValues("candidate").size());
        }

        @Test
        void videoHasRtxWithItsPrimary() {
            MediaDescription video = sdp.media().get(1);
            assertEquals(11, video.codecs().size());
            assertEquals("rtx", video.codecs().get(97).name());
            assertEquals(OptionalInt.of(96), video.codecs().get(97).associatedPayloadType());
            assertEquals(OptionalInt.empty(), video.codecs().get(96).associatedPayloadType());
            assertEquals(Optional.of("42e01f"), video.codecs().get(102).parameter("profile-level-id"));
            assertEquals(Optional.of("ulpfec"), video.codec("ULPFEC").map(Codec::name));
        }

        @Test
        void aDataChannelHasNoCodecs() {
            assertTrue(sdp.media().get(2).codecs().isEmpty());
            assertFalse(sdp.media().get(2).isRtp());
            assertEquals(Optional.of("5000"), sdp.media().get(2).attribute("sctp-port"));
        }
    }

    @Test
    void firefoxSetsTheDirectionAtSessionLevelToo() {
        SessionDescription sdp = Fixtures.sdp("firefox-offer.sdp");
        assertEquals("mozilla...THIS_IS_SDPARTA-99.0", sdp.origin().username());
        assertEquals(Direction.SENDRECV, sdp.direction());
        assertEquals(List.of("audio", "video"), types(sdp));
        MediaDescription audio = sdp.media().get(0);
        assertEquals(9, audio.port());
        assertTrue(audio.connection().orElseThrow().isUnspecified());
        assertEquals(new Codec(9, "G722", 8000, 1, Optional.empty()), audio.codecs().get(9));
        assertEquals(Optional.of("0-15"), audio.codecs().get(101).parameters());
        MediaDescription video = sdp.media().get(1);
        assertEquals(List.of("VP8/90000", "rtx/90000", "VP9/90000", "rtx/90000", "H264/90000", "rtx/90000",
                "H264/90000", "rtx/90000", "ulpfec/90000", "red/90000", "rtx/90000"), names(video));
        assertEquals(OptionalInt.of(122), video.codecs().get(119).associatedPayloadType());
        assertEquals(Optional.of("FID 1294730412 3120394863"), video.attribute("ssrc-group"));
    }

    @Test
    void aVolteOfferHasAmrTwoTelephoneEventsPreconditionsAndIpv6() {
        SessionDescription sdp = Fixtures.sdp("volte-offer.sdp");
        assertEquals(new Connection("IN", "IP6", "2001:db8:a0b:12f0::1"), sdp.connection().orElseThrow());
        assertEquals("SS VOIP", sdp.sessionName());
        MediaDescription audio = sdp.media().get(0);
        assertEquals("RTP/AVP", audio.protocol());
        assertEquals(List.of("AMR-WB/16000", "AMR-WB/16000", "AMR/8000", "AMR/8000", "telephone-event/16000",
                "telephone-event/8000"), names(audio));
        assertEquals(Optional.of("1"), audio.codecs().get(107).parameter("octet-align"));
        assertEquals(Optional.empty(), audio.connection());
        assertEquals(sdp.connection(), audio.effectiveConnection());
        assertEquals(List.of("qos local none", "qos remote none"), audio.attributeValues("curr"));
        assertEquals(List.of("qos mandatory local sendrecv", "qos optional remote sendrecv"), audio.attributeValues("des"));
        assertEquals(Optional.of("20"), audio.attribute("ptime"));
        assertEquals(Optional.of("240"), audio.attribute("maxptime"));
    }

    @Test
    void aT38ReinviteKeepsTheRejectedAudioLineAndOffersUdptl() {
        SessionDescription sdp = Fixtures.sdp("t38-reinvite.sdp");
        MediaDescription audio = sdp.media().get(0);
        assertEquals(0, audio.port());
        assertFalse(audio.isEnabled());
        MediaDescription image = sdp.media().get(1);
        assertEquals("image", image.type());
        assertEquals(36002, image.port());
        assertEquals("udptl", image.protocol());
        assertEquals(List.of("t38"), image.formats());
        assertTrue(image.codecs().isEmpty());
        assertEquals(Optional.of("0"), image.attribute("t38faxversion"), "attribute names are matched ignoring case");
        assertEquals(Optional.of("t38UDPRedundancy"), image.attribute("T38FaxUdpEC"));
        assertEquals(9, image.attributes().size());
    }

    @Test
    void aVideoCallHasH264ProfilesAndVp8() {
        SessionDescription sdp = Fixtures.sdp("video-call.sdp");
        MediaDescription video = sdp.media().get(1);
        assertEquals("RTP/AVPF", video.protocol());
        assertEquals(List.of("H264/90000", "H264/90000", "VP8/90000"), names(video));
        assertEquals(Optional.of("42801F"), video.codecs().get(97).parameter("profile-level-id"));
        assertEquals(Optional.of("0"), video.codecs().get(98).parameter("packetization-mode"));
        assertEquals(Optional.of("30"), video.attribute("framerate"));
        assertEquals(Optional.of("opus"), sdp.media().get(0).codec("OPUS/48000/2").map(Codec::name));
    }

    @Test
    void anSrtpOfferHasTwoCryptoLines() {
        SessionDescription sdp = Fixtures.sdp("srtp-offer.sdp");
        MediaDescription audio = sdp.media().get(0);
        assertEquals("RTP/SAVP", audio.protocol());
        assertTrue(sdp.hasCrypto());
        assertTrue(audio.hasCrypto());
        assertEquals(2, audio.attributeValues("crypto").size());
        assertTrue(audio.attributeValues("crypto").get(0).startsWith("1 AES_CM_128_HMAC_SHA1_80 inline:"));
        assertEquals(List.of("G722/8000", "PCMA/8000", "PCMU/8000", "telephone-event/8000"), names(audio));
    }

    @Test
    void staticPayloadTypesNeedNoRtpmap() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 0 8 9 18 3 4 13 96", "a=fmtp:18 annexb=no"));
        MediaDescription audio = sdp.media().get(0);
        assertEquals(List.of("PCMU/8000", "PCMA/8000", "G722/8000", "G729/8000", "GSM/8000", "G723/8000", "CN/8000"),
                names(audio), "payload type 96 has no rtpmap and no static meaning");
        assertEquals(Optional.of("no"), audio.codecs().get(18).parameter("annexb"));
    }

    @Test
    void theLastLineOfAnUnterminatedBodyIsRead() {
        MediaDescription audio = Fixtures.sdp("no-trailing-newline.sdp").media().get(0);
        assertEquals(Optional.of("20"), audio.attribute("ptime"));
        assertEquals(Optional.of("annexb=no"), audio.codecs().get(18).parameters());
    }

    @Test
    void aSessionLevelDirectionIsTheDefaultOfEveryStream() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "a=recvonly", "m=audio 4000 RTP/AVP 0", "m=video 4002 RTP/AVP 31",
                "a=inactive"));
        assertEquals(Direction.RECVONLY, sdp.direction());
        assertEquals(Direction.RECVONLY, sdp.media().get(0).direction());
        assertEquals(Direction.INACTIVE, sdp.media().get(1).direction());
        assertEquals(Direction.SENDRECV, Fixtures.sdp("sipp-pcmu.sdp").media().get(0).direction(),
                "sendrecv when nothing says otherwise");
    }

    @Test
    void aPortCountIsReadAndAMulticastAddressKeptAsWritten() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 224.2.1.1/127/3", "t=0 0", "m=video 49170/2 RTP/AVP 31"));
        assertEquals(OptionalInt.of(2), sdp.media().get(0).portCount());
        assertEquals("224.2.1.1/127/3", sdp.connection().orElseThrow().address());
        assertEquals("H261", sdp.media().get(0).codecs().get(31).name());
    }

    @Test
    void toleratesWhatRealEndpointsSend() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=",
                "i=a session", "u=http://example.com", "e=noc@example.com", "p=+1 555 0100", "c=IN IP4 192.0.2.1",
                "b=CT:1000", "t=0 0", "r=604800 3600 0 90000", "z=2882844526 -1h", "k=prompt", "y=0123456789",
                "a=X-nat:0", "a=3gpp_sync_info:No Sync",
                "m=audio 4000 RTP/AVP 0", "i=voice", "b=TIAS:64000", "k=prompt", "a=x-unknown", "a=SendOnly"));
        assertEquals("", sdp.sessionName());
        assertEquals(Optional.of("No Sync"), sdp.attribute("3gpp_sync_info"));
        assertEquals(Direction.SENDONLY, sdp.media().get(0).direction(), "direction names are matched ignoring case");
    }

    @Test
    void aBundleOnlySectionOnPortZeroIsStillEnabled() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "a=group:BUNDLE a v", "m=audio 4000 RTP/AVP 0", "a=mid:a",
                "m=video 0 RTP/AVP 96", "a=mid:v", "a=bundle-only", "a=rtpmap:96 VP8/90000"));
        assertTrue(sdp.media().get(1).isEnabled());
        assertFalse(sdp.disableMedia(1).media().get(1).isEnabled());
    }
}
