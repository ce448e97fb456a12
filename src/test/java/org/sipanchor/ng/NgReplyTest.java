package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("NgReply: result kinds and typed access to the reply dictionary")
class NgReplyTest {

    private static NgReply reply(Map<String, ?> dict) throws BencodeException {
        byte[] b = Bencode.encode(dict);
        return NgReply.of(Bencode.decodeDictionaryLazily(b, 0, b.length, Bencode.Limits.DEFAULT));
    }

    @Test
    void ok_pong_error_and_load_limit_are_distinct_results() throws Exception {
        assertEquals(NgReply.Result.OK, reply(Map.of("result", "ok")).result());
        assertEquals(NgReply.Result.PONG, reply(Map.of("result", "pong")).result());
        assertEquals(NgReply.Result.ERROR, reply(Map.of("result", "error", "error-reason", "x")).result());
        assertEquals(NgReply.Result.LOAD_LIMIT, reply(Map.of("result", "load limit")).result());
        assertTrue(reply(Map.of("result", "pong")).isSuccess());
        assertFalse(reply(Map.of("result", "load limit")).isSuccess());
    }

    @Test
    void ok_with_a_warning_is_still_ok_and_says_so() throws Exception {
        NgReply r = reply(Map.of("result", "ok", "warning", "Call-ID not found or tags didn't match"));
        assertEquals(NgReply.Result.OK, r.result());
        assertEquals(Optional.of("Call-ID not found or tags didn't match"), r.warning());
        assertEquals(Optional.empty(), r.errorReason());
    }

    @Test
    void the_reason_comes_from_error_reason_for_errors_and_from_message_for_load_limits() throws Exception {
        assertEquals(Optional.of("Unknown call-id"),
                reply(Map.of("result", "error", "error-reason", "Unknown call-id")).errorReason());
        assertEquals(Optional.of("CPU usage limit exceeded"),
                reply(Map.of("result", "load limit", "message", "CPU usage limit exceeded")).errorReason());
    }

    @Test
    void a_missing_or_unknown_result_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> reply(Map.of("sdp", "v=0")));
        assertThrows(IllegalArgumentException.class, () -> reply(Map.of("result", "OK")));
        assertThrows(IllegalArgumentException.class, () -> reply(Map.of("result", 1)));
    }

    @Test
    void sdp_is_the_exact_bytes_and_its_absence_is_explicit() throws Exception {
        byte[] sdp = "v=0\r\ns=\u00e9\u00ff\r\n".getBytes(ISO_8859_1);
        NgReply r = reply(Map.of("result", "ok", "sdp", sdp));
        assertTrue(r.hasSdp());
        assertArrayEquals(sdp, r.sdp());
        r.sdp()[0] = 'X';
        assertArrayEquals(sdp, r.sdp(), "callers get a copy");
        NgReply none = reply(Map.of("result", "ok"));
        assertFalse(none.hasSdp());
        assertThrows(NoSuchElementException.class, none::sdp);
    }

    @Test
    void typed_getters_read_the_fields_rtpengine_sends() throws Exception {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("result", "ok");
        d.put("to-tag", "sub-1");
        d.put("from-tag", "pub");
        d.put("from-tags", List.of("pub"));
        d.put("calls", List.of("a", "b"));
        d.put("duration", 1000);
        d.put("created", 1_700_000_000L);
        d.put("last signal", 1_700_000_001L);
        d.put("tags", Map.of("pub", Map.of("tag", "pub")));
        d.put("totals", Map.of("RTP", Map.of("packets", 3)));
        d.put("statistics", Map.of("currentstatistics", Map.of("sessionstotal", 1)));
        NgReply r = reply(d);
        assertEquals(Optional.of("sub-1"), r.toTag());
        assertEquals(Optional.of("pub"), r.fromTag());
        assertEquals(List.of("pub"), r.fromTags());
        assertEquals(List.of("a", "b"), r.calls());
        assertEquals(OptionalLong.of(1000), r.duration());
        assertEquals(OptionalLong.of(1_700_000_000L), r.created());
        assertEquals(OptionalLong.of(1_700_000_001L), r.lastSignal());
        assertEquals(Map.of("tag", "pub").keySet(), ((Map<?, ?>) r.tags().get("pub")).keySet());
        assertEquals(3L, ((Map<?, ?>) r.totals().get("RTP")).get("packets"));
        assertEquals(1L, ((Map<?, ?>) r.statistics().get("currentstatistics")).get("sessionstotal"));
        assertEquals(List.of(), r.strings("absent"));
        assertEquals(OptionalLong.empty(), r.integer("to-tag"), "a string is not an integer");
        assertThrows(UnsupportedOperationException.class, () -> r.dictionary().put("x", 1));
    }
}
