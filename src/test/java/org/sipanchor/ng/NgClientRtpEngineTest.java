package org.sipanchor.ng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipanchor.testing.RtpEndpoint;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;
import org.sipanchor.testing.ToneFile;

/** Every NG command of RTPEngine 10.5 against a real daemon, over UDP and over TCP. */
@DisplayName("NgClient against a real rtpengine: every command, over UDP and TCP")
class NgClientRtpEngineTest {

    @RegisterExtension
    static final RtpEngineDaemon RTPENGINE = RtpEngineDaemon.builder().build();

    private static final Map<NgTransportKind, NgClient> CLIENTS = new EnumMap<>(NgTransportKind.class);
    private static final AtomicInteger CALL_NUMBER = new AtomicInteger();
    private static final Pattern AUDIO_PORT = Pattern.compile("m=audio (\\d+) ");
    private static Path wavFile;

    private final List<String> callIds = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void clients() throws IOException {
        CLIENTS.put(NgTransportKind.UDP, NgClient.builder().address(RTPENGINE.ngAddress()).build());
        CLIENTS.put(NgTransportKind.TCP, NgClient.builder().address(RTPENGINE.tcpNgAddress())
                .transport(NgTransportKind.TCP).build());
        wavFile = ToneFile.write("tone-1s.wav", 8000, 1.0);
    }

    @AfterAll
    static void closeClients() {
        CLIENTS.values().forEach(NgClient::close);
    }

    /** Deletes what the test created, and checks that RTPEngine has no call left: nothing leaks. */
    @AfterEach
    void noSessionLeftBehind() throws Exception {
        for (String id : callIds) {
            CLIENTS.get(NgTransportKind.UDP).execute(NgRequest.delete(id));
        }
        // Reverse order, as try-with-resources: a sender thread is joined before its socket is closed.
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        assertEquals(0, RTPENGINE.sessionCount(), "sessions left in rtpengine");
    }

    private String newCallId(String what) {
        String id = what + "-" + CALL_NUMBER.incrementAndGet() + "@sipanchor.test";
        callIds.add(id);
        return id;
    }

    private RtpEndpoint endpoint() throws IOException {
        RtpEndpoint e = new RtpEndpoint();
        toClose.add(e);
        return e;
    }

    private static int audioPort(byte[] sdp) {
        Matcher m = AUDIO_PORT.matcher(new String(sdp, StandardCharsets.UTF_8));
        assertTrue(m.find(), "no m=audio line");
        return Integer.parseInt(m.group(1));
    }

    /** An established call: offer from the caller, answer from the callee. */
    private record Call(String callId, RtpEndpoint caller, RtpEndpoint callee, NgReply offer, NgReply answer) {
        /** Where the caller sends its RTP: the port RTPEngine put in the SDP it gave the caller. */
        InetSocketAddress callerSendsTo() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), audioPort(answer.sdp()));
        }
    }

    private Call establish(NgClient client, String what, String... flags) throws Exception {
        String callId = newCallId(what);
        RtpEndpoint caller = endpoint();
        RtpEndpoint callee = endpoint();
        NgReply offer = client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("caller")
                .viaBranch("z9hG4bK-" + callId).sdp(SampleSdp.plainAudio(callId, caller.port()))
                .replace("origin", "session connection").flags(flags).build());
        NgReply answer = client.execute(NgRequest.builder(NgCommand.ANSWER).callId(callId).fromTag("caller")
                .toTag("callee").viaBranch("z9hG4bK-" + callId).sdp(SampleSdp.plainAudio(callId, callee.port()))
                .replace("origin", "session connection").flags(flags).build());
        return new Call(callId, caller, callee, offer, answer);
    }

    static Stream<NgTransportKind> transports() {
        return Stream.of(NgTransportKind.values());
    }

    // ---------------------------------------------------------------- basic commands

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void ping_is_answered_with_pong(NgTransportKind transport) throws Exception {
        assertEquals(NgReply.Result.PONG, CLIENTS.get(transport).execute(NgRequest.ping()).result());
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void offer_and_answer_anchor_the_media_on_rtpengine_ports_and_keep_the_rest_of_the_sdp(NgTransportKind transport)
            throws Exception {
        Call call = establish(CLIENTS.get(transport), "anchor");

        for (NgReply r : List.of(call.offer(), call.answer())) {
            assertEquals(NgReply.Result.OK, r.result());
            assertTrue(r.warning().isEmpty());
            int port = audioPort(r.sdp());
            assertTrue(port >= RTPENGINE.rtpPortMin() && port <= RTPENGINE.rtpPortMax(), "port " + port);
            String sdp = r.sdpText();
            assertTrue(sdp.contains("s=" + call.callId() + "\r\n"), "session name kept byte for byte:\n" + sdp);
            assertTrue(sdp.contains("c=IN IP4 127.0.0.1\r\n"), sdp);
            assertTrue(sdp.contains("a=rtpmap:101 telephone-event/8000\r\n"), sdp);
        }
        assertFalse(audioPort(call.offer().sdp()) == call.caller().port(), "the callee must not see the caller's port");
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void query_reports_both_tags_of_the_call(NgTransportKind transport) throws Exception {
        Call call = establish(CLIENTS.get(transport), "query");

        NgReply q = CLIENTS.get(transport).execute(NgRequest.query(call.callId()));

        assertTrue(q.tags().keySet().containsAll(List.of("caller", "callee")), q.tags().keySet().toString());
        assertTrue(q.created().orElseThrow() > 1_600_000_000L);
        assertTrue(q.totals().containsKey("RTP"));
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void list_contains_the_call_id(NgTransportKind transport) throws Exception {
        Call call = establish(CLIENTS.get(transport), "list");

        assertTrue(CLIENTS.get(transport).execute(NgRequest.list(100)).calls().contains(call.callId()));
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void statistics_report_current_sessions(NgTransportKind transport) throws Exception {
        establish(CLIENTS.get(transport), "stats");

        Map<String, Object> stats = CLIENTS.get(transport).execute(NgRequest.statistics()).statistics();

        Map<?, ?> current = (Map<?, ?>) stats.get("currentstatistics");
        assertEquals(1L, current.get("sessionstotal"));
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void delete_ends_the_call_a_second_delete_only_warns_and_a_fatal_one_fails(NgTransportKind transport)
            throws Exception {
        NgClient client = CLIENTS.get(transport);
        Call call = establish(client, "delete");
        assertEquals(1, RTPENGINE.sessionCount());

        NgReply deleted = client.execute(NgRequest.delete(call.callId(), "caller"));
        assertEquals(NgReply.Result.OK, deleted.result());
        assertTrue(deleted.warning().isEmpty());
        assertTrue(deleted.totals().containsKey("RTP"), "delete replies with the call's counters");
        assertEquals(0, RTPENGINE.sessionCount());

        NgReply again = client.execute(NgRequest.delete(call.callId(), "caller"));
        assertEquals("Call-ID not found or tags didn't match", again.warning().orElseThrow());

        NgErrorException fatal = assertThrows(NgErrorException.class, () -> client.execute(
                NgRequest.builder(NgCommand.DELETE).callId(call.callId()).flags("fatal").build()));
        assertEquals("Call-ID not found or tags didn't match", fatal.reason());
        assertFalse(fatal.isCapacityRefusal());
        assertEquals(call.callId(), fatal.callId().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void a_command_on_an_unknown_call_fails_with_rtpengines_reason(NgTransportKind transport) {
        NgErrorException e = assertThrows(NgErrorException.class,
                () -> CLIENTS.get(transport).execute(NgRequest.query("no-such-call")));
        assertEquals("Unknown call-id", e.reason());
        assertTrue(e.getMessage().contains("'query' Call-ID no-such-call"), e.getMessage());
    }

    // ---------------------------------------------------------------- in-call commands

    static Stream<Arguments> inCallToggles() {
        List<NgCommand> commands = List.of(NgCommand.START_RECORDING, NgCommand.STOP_RECORDING,
                NgCommand.BLOCK_DTMF, NgCommand.UNBLOCK_DTMF, NgCommand.BLOCK_MEDIA, NgCommand.UNBLOCK_MEDIA,
                NgCommand.SILENCE_MEDIA, NgCommand.UNSILENCE_MEDIA, NgCommand.START_FORWARDING,
                NgCommand.STOP_FORWARDING);
        return transports().flatMap(t -> commands.stream().map(c -> Arguments.of(t, c)));
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("inCallToggles")
    void in_call_commands_are_accepted_for_the_whole_call_and_for_one_participant(NgTransportKind transport,
            NgCommand command) throws Exception {
        NgClient client = CLIENTS.get(transport);
        Call call = establish(client, command.name().toLowerCase());

        assertEquals(NgReply.Result.OK, client.execute(NgRequest.builder(command).callId(call.callId()).build())
                .result());
        assertEquals(NgReply.Result.OK, client.execute(NgRequest.builder(command).callId(call.callId())
                .fromTag("callee").build()).result());
        if (command.wireName().startsWith("un")) {
            assertEquals(NgReply.Result.OK, client.execute(NgRequest.builder(command).callId(call.callId())
                    .flags("all").build()).result());
        }
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void a_participant_can_be_selected_by_label(NgTransportKind transport) throws Exception {
        NgClient client = CLIENTS.get(transport);
        String callId = newCallId("label");
        client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("caller").label("alice")
                .sdp(SampleSdp.plainAudio(callId, 40000)).build());

        assertEquals(NgReply.Result.OK, client.execute(NgRequest.builder(NgCommand.BLOCK_MEDIA).callId(callId)
                .label("alice").build()).result());
        NgErrorException e = assertThrows(NgErrorException.class, () -> client.execute(
                NgRequest.builder(NgCommand.BLOCK_MEDIA).callId(callId).label("bob").build()));
        assertEquals("No monologue matching the given label", e.reason());
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void play_media_plays_a_file_into_the_call_and_stop_media_stops_it(NgTransportKind transport) throws Exception {
        NgClient client = CLIENTS.get(transport);
        Call call = establish(client, "play");

        NgReply played = client.execute(NgRequest.builder(NgCommand.PLAY_MEDIA).callId(call.callId())
                .fromTag("caller").file(wavFile.toString()).build());

        assertEquals(1000L, played.duration().orElseThrow(), "duration of the 1 s file, in ms");
        assertTrue(call.caller().awaitPayloadType(0, 2000), "the caller hears the file as PCMU");
        assertEquals(NgReply.Result.OK, client.execute(NgRequest.builder(NgCommand.STOP_MEDIA).callId(call.callId())
                .fromTag("caller").build()).result());
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void play_dtmf_injects_a_telephone_event_that_the_other_party_receives(NgTransportKind transport)
            throws Exception {
        NgClient client = CLIENTS.get(transport);
        Call call = establish(client, "dtmf", "inject DTMF");
        // RTPEngine injects events in place of the caller's audio, so the caller's RTP must keep flowing.
        Thread talking = new Thread(() -> {
            try {
                call.caller().sendPcmu(call.callerSendsTo(), 50);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        talking.start();
        toClose.add(talking::join);
        call.callee().awaitPayloadType(0, 1000);

        NgReply r = client.execute(NgRequest.builder(NgCommand.PLAY_DTMF).callId(call.callId()).fromTag("caller")
                .digit('5').duration(200).build());

        assertEquals(NgReply.Result.OK, r.result());
        assertTrue(call.callee().awaitPayloadType(101, 2000), "the callee receives RFC 4733 events (PT 101)");
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void publish_subscribe_request_subscribe_answer_and_unsubscribe(NgTransportKind transport) throws Exception {
        NgClient client = CLIENTS.get(transport);
        String callId = newCallId("conference");
        RtpEndpoint publisher = endpoint();
        RtpEndpoint subscriber = endpoint();

        NgReply published = client.execute(NgRequest.builder(NgCommand.PUBLISH).callId(callId).fromTag("speaker")
                .sdp(SampleSdp.plainAudio(callId, publisher.port(), "sendonly")).build());
        assertTrue(published.sdpText().contains("a=recvonly"), published.sdpText());

        NgReply offer = client.execute(NgRequest.builder(NgCommand.SUBSCRIBE_REQUEST).callId(callId)
                .fromTag("speaker").build());
        assertTrue(offer.sdpText().contains("a=sendonly"), offer.sdpText());
        assertEquals(List.of("speaker"), offer.fromTags());
        String subscription = offer.toTag().orElseThrow();

        NgReply answered = client.execute(NgRequest.builder(NgCommand.SUBSCRIBE_ANSWER).callId(callId)
                .toTag(subscription).sdp(SampleSdp.plainAudio(callId, subscriber.port(), "recvonly")).build());
        assertEquals(NgReply.Result.OK, answered.result());

        assertEquals(NgReply.Result.OK, client.execute(NgRequest.builder(NgCommand.UNSUBSCRIBE).callId(callId)
                .toTag(subscription).build()).result());
    }

    // ---------------------------------------------------------------- interworking

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void srtp_offer_becomes_plain_rtp_and_the_answer_gets_rtpengines_own_sdes_key(NgTransportKind transport)
            throws Exception {
        NgClient client = CLIENTS.get(transport);
        String callId = newCallId("srtp");
        String srtp = SampleSdp.srtpAudio(callId, 40002);

        NgReply offer = client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("ue")
                .sdp(srtp).transportProtocol("RTP/AVP").build());

        String toCore = offer.sdpText();
        assertTrue(toCore.contains(" RTP/AVP "), toCore);
        assertFalse(toCore.contains("a=crypto"), toCore);

        NgReply answer = client.execute(NgRequest.builder(NgCommand.ANSWER).callId(callId).fromTag("ue")
                .toTag("core").sdp(SampleSdp.plainAudio(callId, 40004)).build());

        String toUe = answer.sdpText();
        assertTrue(toUe.contains(" RTP/SAVP "), toUe);
        assertTrue(toUe.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), toUe);
        assertFalse(toUe.contains(srtp.substring(srtp.indexOf("inline:"), srtp.indexOf("inline:") + 30)),
                "rtpengine answers with a key of its own");
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void a_sip_offer_towards_webrtc_gets_a_dtls_fingerprint_and_ice_candidates(NgTransportKind transport)
            throws Exception {
        NgClient client = CLIENTS.get(transport);
        String callId = newCallId("to-webrtc");

        NgReply offer = client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("sip")
                .sdp(SampleSdp.plainAudio(callId, 40006)).transportProtocol("UDP/TLS/RTP/SAVPF").ice("force")
                .rtcpMux("offer").build());

        String toBrowser = offer.sdpText();
        assertTrue(toBrowser.contains(" UDP/TLS/RTP/SAVPF "), toBrowser);
        assertTrue(toBrowser.contains("a=fingerprint:sha-256 "), toBrowser);
        assertTrue(toBrowser.contains("a=setup:"), toBrowser);
        assertTrue(toBrowser.contains("a=ice-ufrag:") && toBrowser.contains("a=ice-pwd:"), toBrowser);
        assertTrue(toBrowser.contains("a=candidate:") && toBrowser.contains(" typ host"), toBrowser);
        assertTrue(toBrowser.contains("a=rtcp-mux"), toBrowser);
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void a_webrtc_offer_becomes_plain_rtp_and_the_answer_back_speaks_dtls_and_ice(NgTransportKind transport)
            throws Exception {
        NgClient client = CLIENTS.get(transport);
        String callId = newCallId("from-webrtc");
        NgRequest offerRequest = NgRequest.of(NgCommand.OFFER, Map.of("call-id", callId, "from-tag", "browser",
                "sdp", SampleSdp.webrtcAudio(callId, 40008), "transport-protocol", "RTP/AVP", "ICE", "remove",
                "rtcp-mux", List.of("demux"), "flags", List.of("trust-address"), "replace", List.of("origin")));

        String toSip = client.execute(offerRequest).sdpText();

        assertTrue(toSip.contains(" RTP/AVP "), toSip);
        assertFalse(toSip.contains("a=candidate") || toSip.contains("a=fingerprint") || toSip.contains("a=crypto"),
                toSip);

        String toBrowser = client.execute(NgRequest.builder(NgCommand.ANSWER).callId(callId).fromTag("browser")
                .toTag("phone").sdp(SampleSdp.plainAudio(callId, 40010)).build()).sdpText();

        assertTrue(toBrowser.contains(" UDP/TLS/RTP/SAVPF "), toBrowser);
        assertTrue(toBrowser.contains("a=fingerprint:sha-256 "), toBrowser);
        assertTrue(toBrowser.contains("a=candidate:"), toBrowser);
    }

    @ParameterizedTest
    @EnumSource(NgTransportKind.class)
    void a_non_utf8_byte_in_the_sdp_survives_the_round_trip(NgTransportKind transport) throws Exception {
        NgClient client = CLIENTS.get(transport);
        String callId = newCallId("bytes");
        String text = SampleSdp.plainAudio("marker", 40012);
        ByteArrayOutputStream sdp = new ByteArrayOutputStream();
        sdp.writeBytes(text.substring(0, text.indexOf("s=marker")).getBytes(StandardCharsets.US_ASCII));
        byte[] sessionName = {'s', '=', 'c', 'a', 'f', (byte) 0xe9, (byte) 0xff, '\r', '\n'}; // Latin-1, not UTF-8
        sdp.writeBytes(sessionName);
        sdp.writeBytes(text.substring(text.indexOf("s=marker") + 10).getBytes(StandardCharsets.US_ASCII));

        byte[] out = client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("f")
                .sdp(sdp.toByteArray()).build()).sdp();

        int at = indexOf(out, sessionName);
        assertTrue(at > 0, "session name bytes not found unchanged");
        assertArrayEquals(sessionName, java.util.Arrays.copyOfRange(out, at, at + sessionName.length));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
