package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("NgRequest: building, encoding, and validation against the RTPEngine 10.5 vocabulary")
class NgRequestValidationTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n";

    private static NgRequest.Builder offer() {
        return NgRequest.builder(NgCommand.OFFER).callId("c1").fromTag("f1").sdp(SDP);
    }

    private static NgValidationException rejected(NgRequest.Builder b) {
        return assertThrows(NgValidationException.class, b::build);
    }

    // ---------------------------------------------------------------- building and encoding

    @Test
    void encodes_a_sorted_dictionary_with_the_command_and_supports_load_limit() {
        NgRequest r = NgRequest.builder(NgCommand.DELETE).callId("abc").fromTag("t1").build();
        assertEquals("d7:call-id3:abc7:command6:delete8:from-tag2:t18:supportsl10:load limitee",
                new String(r.payload(), ISO_8859_1));
    }

    @Test
    void ping_has_no_call_id_and_still_announces_load_limit_support() {
        NgRequest p = NgRequest.ping();
        assertEquals(NgCommand.PING, p.command());
        assertEquals(Optional.empty(), p.callId());
        assertEquals(List.of("load limit"), p.params().get("supports"));
    }

    @Test
    void supports_can_be_replaced_even_by_nothing() {
        NgRequest r = offer().supports(List.of()).build();
        assertEquals(List.of(), r.params().get("supports"));
    }

    @Test
    void keeps_the_sdp_byte_for_byte_and_is_immune_to_later_changes_of_the_callers_array() {
        byte[] sdp = (SDP + "s=\u00e9\u00ff\r\n").getBytes(ISO_8859_1);
        NgRequest r = NgRequest.builder(NgCommand.OFFER).callId("c").fromTag("f").sdp(sdp).build();
        sdp[0] = 'X';
        assertEquals('v', ((byte[]) r.params().get("sdp"))[0]);
        String wire = new String(r.payload(), ISO_8859_1);
        assertTrue(wire.contains("3:sdp" + (sdp.length) + ":v=0\r\n"), wire);
        assertTrue(wire.contains("s=\u00e9\u00ff\r\n"), wire);
    }

    @Test
    void typed_builder_methods_produce_rtpengine_keys() {
        NgRequest r = offer().viaBranch("z9hG4bK1").toTag("t2")
                .transportProtocol("RTP/SAVP").ice("force").dtls("passive").sdes("off")
                .rtcpMux("demux").replace("origin", "session connection").direction("internal", "external")
                .flags("trust address").flag("strict source")
                .codecStrip("PCMA").codecTranscode("opus")
                .recordCall(false).label("caller").receivedFrom(InetAddress.getLoopbackAddress())
                .mediaAddress("192.0.2.7").metadata("k:v").ptime(20)
                .build();
        Map<String, Object> p = r.params();
        assertEquals("z9hG4bK1", p.get("via-branch"));
        assertEquals("RTP/SAVP", p.get("transport-protocol"));
        assertEquals("force", p.get("ICE"));
        assertEquals("passive", p.get("DTLS"));
        assertEquals(List.of("off"), p.get("SDES"));
        assertEquals(List.of("demux"), p.get("rtcp-mux"));
        assertEquals(List.of("origin", "session connection"), p.get("replace"));
        assertEquals(List.of("internal", "external"), p.get("direction"));
        assertEquals(List.of("trust address", "strict source"), p.get("flags"));
        assertEquals(Map.of("strip", List.of("PCMA"), "transcode", List.of("opus")), p.get("codec"));
        assertEquals("no", p.get("record-call"));
        assertEquals(List.of("IP4", "127.0.0.1"), p.get("received-from"));
        assertEquals(20L, p.get("ptime"));
        assertEquals(Optional.of("c1"), r.callId());
    }

    @Test
    void of_accepts_a_profile_map_in_rtpengine_spelling_and_canonicalises_aliases() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("call-id", "c1");
        m.put("from-tag", "f1");
        m.put("sdp", SDP);
        m.put("transport protocol", "RTP/AVP");
        m.put("ICE", "remove");
        m.put("flags", List.of("trust-address", "SIP source address"));
        m.put("replace", List.of("origin"));
        m.put("rtcp-mux", List.of("demux"));
        m.put("direction", List.of("external", "internal"));
        m.put("TOS", 184); // YAML gives Integer
        NgRequest r = NgRequest.of(NgCommand.OFFER, m);
        assertEquals("RTP/AVP", r.params().get("transport-protocol"));
        assertFalse(r.params().containsKey("transport protocol"));
        assertEquals(184L, r.params().get("TOS"));
        assertArrayEquals(SDP.getBytes(ISO_8859_1), (byte[]) r.params().get("sdp"));
    }

    @Test
    void a_lone_string_for_a_list_key_is_sent_as_a_list_because_the_daemon_ignores_non_lists() {
        NgRequest r = NgRequest.of(NgCommand.OFFER, Map.of("call-id", "c", "from-tag", "f", "sdp", SDP,
                "rtcp-mux", "demux", "endpoint-learning", "heuristic"));
        assertEquals(List.of("demux"), r.params().get("rtcp-mux"));
        assertEquals(List.of("heuristic"), r.params().get("endpoint-learning"));
    }

    @Test
    void to_builder_derives_a_variant() {
        NgRequest base = offer().ice("remove").build();
        NgRequest variant = base.toBuilder().ice("force").build();
        assertEquals("remove", base.params().get("ICE"));
        assertEquals("force", variant.params().get("ICE"));
        assertEquals("c1", variant.callId().orElseThrow());
    }

    @Test
    void unchecked_params_pass_through_for_newer_daemons() {
        NgRequest r = offer().uncheckedParam("some-11.x-key", "value").build();
        assertTrue(new String(r.payload(), ISO_8859_1).contains("13:some-11.x-key5:value"));
    }

    @Test
    void to_string_names_command_and_call_id_but_not_the_sdp() {
        String s = offer().build().toString();
        assertTrue(s.contains("offer") && s.contains("c1") && !s.contains("v=0"), s);
    }

    @ParameterizedTest
    @EnumSource(NgCommand.class)
    void every_command_has_a_wire_name_that_maps_back(NgCommand c) {
        assertEquals(Optional.of(c), NgCommand.fromWireName(c.wireName()));
    }

    // ---------------------------------------------------------------- flags

    @ParameterizedTest(name = "flag \"{0}\" is accepted in offer")
    @ValueSource(strings = {"trust address", "trust-address", "SIP source address", "sip-source-address",
        "asymmetric", "strict source", "media handover", "reset", "port latching", "no port latching", "record call",
        "no rtcp attribute", "no-RTCP-attribute", "full rtcp attribute", "loop protect", "always transcode",
        "single codec", "reuse codecs", "no codec renegotiation", "allow transcoding", "all", "pad crypto",
        "generate mid", "strip extmap", "original sendrecv", "inject DTMF", "inject-dtmf", "detect DTMF",
        "generate RTCP", "RTCP mirror", "mirror-rtcp", "debug", "debugging", "pierce NAT", "NAT-wait",
        "trickle ICE", "reject ICE", "ICE-reject", "unidirectional", "egress", "SIPREC", "fragment",
        "no jitter buffer", "passthrough", "no-passthrough",
        "SDES-off", "SDES-pad", "SDES-no-AES_CM_128_HMAC_SHA1_32", "SDES-no-aes_cm_128_hmac_sha1_32",
        "SDES-unencrypted_srtp", "OSRTP-offer", "endpoint-learning-heuristic", "from-tags-abc",
        "codec-strip-PCMA", "codec-offer-opus", "codec-except-PCMU", "codec-transcode-G722", "transcode-PCMU",
        "codec-mask-all", "codec-set-opus/48000/2/32000", "codec-accept-PCMA", "codec-consume-PCMU",
        "T38-decode", "T.38-no-V.17", "T38-FEC"})
    void documented_and_daemon_flags_are_accepted(String flag) {
        NgRequest r = offer().flags(flag).build();
        assertEquals(List.of(flag), r.params().get("flags"));
    }

    @ParameterizedTest(name = "\"{0}\" -> suggests \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "trust adress       | trust address",
        "trust-adress       | trust-address",
        "Trust Address      | trust address",
        "strict-sourse      | strict-source",
        "port-latchng       | port-latching",
        "record-cal         | record-call",
        "SDES-pda           | SDES-pad",
        "SDES-no-AES_CM_128_HMAC_SHA1_33 | SDES-no-AES_CM_128_HMAC_SHA1_32",
        "OSRTP-ofer         | OSRTP-offer",
        "endpoint-learning-heuristc | endpoint-learning-heuristic",
        "T38-decod          | T38-decode",
        "inject DMTF        | inject DTMF",
    })
    void a_misspelled_flag_is_rejected_with_the_nearest_valid_one(String bad, String suggestion) {
        NgValidationException e = rejected(offer().flags(bad));
        assertEquals(bad, e.word());
        assertEquals("flags", e.key());
        assertEquals(Optional.of(suggestion), e.suggestion());
        assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("'" + suggestion + "'"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith("'offer' request"), e.getMessage());
    }

    @Test
    void a_flag_nothing_like_any_valid_one_is_rejected_without_a_suggestion() {
        NgValidationException e = rejected(offer().flags("make it work"));
        assertEquals(Optional.empty(), e.suggestion());
        assertTrue(e.getMessage().contains("silently ignore"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"symmetric", "asymmetric codecs", "symmetric-codecs", "reorder codecs"})
    void flags_the_10_5_daemon_ignores_though_documented_or_once_valid_are_rejected_with_the_reason(String flag) {
        NgValidationException e = rejected(offer().flags(flag));
        assertTrue(e.getMessage().contains("rtpengine 10.5"), e.getMessage());
    }

    @Test
    void transcoding_flags_and_codec_operations_are_only_accepted_where_the_daemon_honours_them() {
        NgRequest.Builder answer = NgRequest.builder(NgCommand.ANSWER).callId("c").fromTag("f").toTag("t").sdp(SDP);
        assertTrue(rejected(answer.flags("codec-transcode-PCMA")).getMessage().contains("only honoured in"));
        assertTrue(rejected(answer.flags(List.of()).codecTranscode("PCMA")).getMessage().contains("only honoured in"));
        NgRequest ok = NgRequest.builder(NgCommand.ANSWER).callId("c").fromTag("f").toTag("t").sdp(SDP)
                .codecStrip("PCMA").flags("codec-accept-PCMU").build();
        assertEquals(Map.of("strip", List.of("PCMA")), ok.params().get("codec"));
        assertEquals(List.of("transcode"), ((Map<?, ?>) NgRequest.builder(NgCommand.PUBLISH).callId("c").fromTag("f")
                .sdp(SDP).codecTranscode("PCMA").build().params().get("codec")).keySet().stream().toList());
    }

    @Test
    void ptime_is_only_accepted_in_offer() {
        NgRequest.Builder answer = NgRequest.builder(NgCommand.ANSWER).callId("c").fromTag("f").toTag("t").sdp(SDP)
                .ptime(30);
        assertTrue(rejected(answer).getMessage().contains("only honoured in 'offer'"));
        assertEquals(30L, offer().ptime(30).build().params().get("ptime"));
    }

    @Test
    void delete_honours_only_the_fatal_flag() {
        assertEquals(List.of("fatal"), NgRequest.builder(NgCommand.DELETE).callId("c").flags("fatal").build()
                .params().get("flags"));
        NgValidationException e = rejected(NgRequest.builder(NgCommand.DELETE).callId("c").flags("fatl"));
        assertEquals(Optional.of("fatal"), e.suggestion());
        assertThrows(NgValidationException.class,
                () -> NgRequest.builder(NgCommand.DELETE).callId("c").flags("trust address").build());
        assertThrows(NgValidationException.class, () -> offer().flags("fatal").build());
    }

    // ---------------------------------------------------------------- keys and values

    @ParameterizedTest(name = "key \"{0}\" -> suggests \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "transport protocoll | transport-protocol",
        "Transport-Protocol  | transport-protocol",
        "callid              | call-id",
        "from_tag            | from-tag",
        "rtcp_mux            | rtcp-mux",
        "recieved-from       | received-from",
        "medai-address       | media-address",
        "Ice                 | ICE",
        "dtls-fingerprnt     | DTLS-fingerprint",
    })
    void a_misspelled_key_is_rejected_with_the_nearest_valid_one(String bad, String suggestion) {
        NgValidationException e = rejected(offer().param(bad, bad.contains("protocol") ? "RTP/AVP" : "x"));
        assertEquals(bad, e.word());
        assertEquals(Optional.of(suggestion), e.suggestion());
        assertTrue(e.getMessage().contains("unknown key '" + bad + "'"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1} -> suggests {2}")
    @CsvSource(delimiter = '|', value = {
        "ICE                | forse     | force",
        "ICE                | Remove    | remove",
        "DTLS               | pasive    | passive",
        "transport-protocol | RTP/AVPP  | RTP/AVP",
        "transport-protocol | RTP/SVAP  | RTP/SAVP",
        "record-call        | yse       | yes",
        "address-family     | IPv4      | IP4",
        "media-echo         | blackhol  | blackhole",
        "generate-RTCP      | of        | on",
        "ICE-lite           | forwad    | forward",
        "DTLS-fingerprint   | SHA-255   | SHA-256",
        "DTMF-security      | silense   | silence",
    })
    void a_value_outside_an_enumerated_key_is_rejected_with_the_nearest(String key, String bad, String suggestion) {
        NgValidationException e = rejected(offer().param(key, bad));
        assertEquals(bad, e.word());
        assertEquals(Optional.of(suggestion), e.suggestion());
        assertTrue(e.getMessage().contains(bad), e.getMessage());
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> suggests \"{2}\"")
    @CsvSource(delimiter = '|', value = {
        "replace   | orign               | origin",
        "replace   | session-conection   | session connection",
        "rtcp-mux  | demx                | demux",
        "SDES      | pda                 | pad",
        "OSRTP     | acept               | accept",
        "T.38      | decod               | decode",
        "supports  | load-limit          | load limit",
    })
    void a_bad_word_inside_a_list_key_is_rejected_with_the_nearest(String key, String bad, String suggestion) {
        NgValidationException e = rejected(offer().param(key, List.of(bad)));
        assertEquals(Optional.of(suggestion), e.suggestion());
    }

    @Test
    void values_are_checked_the_way_the_daemon_matches_them() {
        offer().transportProtocol("rtp/savpf").build(); // strncasecmp in the daemon
        offer().dtlsFingerprint("sha-1").build();
        offer().ice("force_relay").build();
        offer().param("replace", List.of("session-connection", "SDP-version", "zero address")).build();
        offer().param("SDES", List.of("no-NULL_HMAC_SHA1_32", "UNENCRYPTED_SRTCP")).build();
        NgRequest.builder(NgCommand.ANSWER).callId("c").fromTag("f").toTag("t").sdp(SDP)
                .transportProtocol("accept").build();
        assertThrows(NgValidationException.class, () -> offer().param("SDES", List.of("no-AES_CM_999")).build());
    }

    @Test
    void keys_a_command_does_not_read_are_rejected_with_the_keys_it_does_read() {
        NgValidationException e = rejected(NgRequest.builder(NgCommand.QUERY).callId("c").sdp(SDP));
        assertTrue(e.getMessage().contains("not read by 'query'"), e.getMessage());
        assertTrue(e.getMessage().contains("call-id, from-tag, supports, to-tag"), e.getMessage());
        assertThrows(NgValidationException.class, () -> NgRequest.builder(NgCommand.PING).callId("c").build());
        assertThrows(NgValidationException.class,
                () -> NgRequest.builder(NgCommand.LIST).flags("all").build());
        // delete reads call-id only in this exact spelling, unlike offer
        assertThrows(NgValidationException.class,
                () -> NgRequest.of(NgCommand.DELETE, Map.of("call ID", "c")));
        assertEquals(Optional.of("c"), NgRequest.of(NgCommand.OFFER,
                Map.of("call ID", "c", "from-tag", "f", "sdp", SDP)).callId());
    }

    @Test
    void a_key_given_twice_under_two_spellings_is_rejected() {
        NgValidationException e = rejected(offer().param("transport protocol", "RTP/AVP")
                .param("transport-protocol", "RTP/SAVP"));
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
    }

    @Test
    void wrong_value_types_are_rejected_since_the_daemon_would_ignore_them() {
        assertThrows(NgValidationException.class, () -> offer().param("flags", Map.of("a", "b")).build());
        assertThrows(NgValidationException.class, () -> offer().param("ICE", List.of("force")).build());
        assertThrows(NgValidationException.class, () -> offer().param("TOS", "high").build());
        assertThrows(NgValidationException.class, () -> offer().param("codec", List.of("PCMU")).build());
        assertThrows(NgValidationException.class, () -> offer().param("direction", List.of("a", "b", "c")).build());
        assertThrows(NgValidationException.class,
                () -> offer().param("received-from", List.of("IPv4", "10.0.0.1")).build());
        assertThrows(NgValidationException.class, () -> offer().param("ICE", null).build());
        assertThrows(NgValidationException.class, () -> offer().param("command", "answer").build());
    }

    @Test
    void required_keys_are_enforced_per_command() {
        assertTrue(rejected(NgRequest.builder(NgCommand.OFFER).callId("c").fromTag("f")).getMessage()
                .contains("'sdp' is required"));
        assertTrue(rejected(NgRequest.builder(NgCommand.ANSWER).callId("c").fromTag("f").sdp(SDP)).getMessage()
                .contains("'to-tag' is required"));
        assertThrows(NgValidationException.class, () -> NgRequest.builder(NgCommand.DELETE).build());
        assertThrows(NgValidationException.class,
                () -> NgRequest.builder(NgCommand.PLAY_MEDIA).callId("c").fromTag("f").build());
        assertThrows(NgValidationException.class,
                () -> NgRequest.builder(NgCommand.PLAY_DTMF).callId("c").fromTag("f").build());
        NgRequest.builder(NgCommand.PLAY_DTMF).callId("c").fromTag("f").digit('#').build();
        assertThrows(NgValidationException.class,
                () -> NgRequest.builder(NgCommand.PLAY_DTMF).callId("c").fromTag("f").code(16).build());
        assertThrows(NgValidationException.class,
                () -> NgRequest.builder(NgCommand.PLAY_DTMF).callId("c").fromTag("f").digit('E').build());
    }

    @Test
    void vocabulary_can_be_listed_for_tooling() {
        assertTrue(NgVocabulary.keys(NgCommand.OFFER).containsAll(List.of("call-id", "sdp", "ICE", "ptime")));
        assertFalse(NgVocabulary.keys(NgCommand.ANSWER).contains("ptime"));
        assertEquals(List.of("fatal"), NgVocabulary.flags(NgCommand.DELETE));
        assertTrue(NgVocabulary.flags(NgCommand.OFFER).contains("trust address"));
        assertEquals(List.of(), NgVocabulary.flags(NgCommand.QUERY));
        assertEquals(List.of("remove", "force", "default", "optional", "force-relay"), NgVocabulary.values("ICE"));
        assertTrue(NgVocabulary.values("transport protocol").contains("UDP/TLS/RTP/SAVPF"));
        assertEquals(List.of(), NgVocabulary.values("call-id"));
    }
}
