package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.media.MediaException;
import org.sipanchor.sdp.SdpException;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.LogCapture;
import org.sipanchor.testing.SampleSdp;

@DisplayName("MediaFailureReply: the caller learns what failed, never RTPEngine's addresses or errors; the log has it all")
class MediaFailureReplyTest {

    private static final String CALL_ID = "warn-1@caller";
    private static final String BROKEN_SDP = "v=0\r\no=broken\r\ns=x\r\n";

    @RegisterExtension
    final LogCapture log = LogCapture.of(MediaFailureReply.class);

    private static MediaException malformed(String sdp) {
        SdpException cause = assertThrows(SdpException.class, () -> SessionDescription.parse(sdp));
        return MediaException.malformedSdp(CALL_ID, cause);
    }

    @Test
    @DisplayName("503: 'media relay unavailable', with Retry-After; the instances tried and why only in the log")
    void unavailable() throws Exception {
        MediaException failure = new MediaException(MediaException.Kind.UNAVAILABLE, CALL_ID,
                "offer: no RTPEngine answered: 10.1.2.3:22222 timed out after 1000 ms, 10.1.2.4:22222 down", null);

        Reply reply = Reply.to(failure, Optional.of(SampleSdp.plainAudio("u", 40000)));

        assertEquals(503, reply.status);
        assertEquals("399 sipanchor \"media relay unavailable\"", reply.headers.get("Warning"));
        assertEquals("5", reply.headers.get("Retry-After"));
        assertFalse(reply.headers.toString().contains("10.1.2"), reply.headers.toString());
        assertTrue(reply.sent);
        assertEquals(1, log.messages().size());
        assertTrue(log.messages().get(0).contains("call-id=" + CALL_ID), log.messages().get(0));
        assertTrue(log.messages().get(0).contains("10.1.2.3:22222 timed out after 1000 ms"), "full detail logged: " + log.messages());
    }

    @Test
    @DisplayName("488: RTPEngine's refusal is 'media relay refused the session', its error-reason only in the log")
    void refused() throws Exception {
        MediaException failure = new MediaException(MediaException.Kind.REFUSED, CALL_ID,
                "RTPEngine refused offer: Failed to allocate ports on 10.1.2.3 interface 'core'", null);

        Reply reply = Reply.to(failure, Optional.of(SampleSdp.plainAudio("r", 40000)));

        assertEquals(488, reply.status);
        assertEquals("399 sipanchor \"media relay refused the session\"", reply.headers.get("Warning"));
        assertFalse(reply.headers.containsKey("Retry-After"));
        assertTrue(log.messages().get(0).contains("Failed to allocate ports on 10.1.2.3"), log.messages().get(0));
    }

    @Test
    @DisplayName("488: the caller's own malformed SDP is quoted, line number, line and problem")
    void callersMalformedSdp() throws Exception {
        Reply reply = Reply.to(malformed(BROKEN_SDP), Optional.of(BROKEN_SDP));

        assertEquals(488, reply.status);
        String warning = reply.headers.get("Warning");
        assertTrue(warning.startsWith("399 sipanchor \"malformed SDP: line 2 'o=broken': "), warning);
        assertEquals(2, warning.chars().filter(c -> c == '"').count(), "one quoted string: " + warning);
    }

    @Test
    @DisplayName("488: malformed SDP from RTPEngine or the other party is not quoted to a caller whose SDP is fine")
    void someoneElsesMalformedSdp() {
        String enginesBrokenSdp = "v=0\r\no=- 1 1 IN IP4 10.1.2.3\r\ns=-\r\nc=IN IP4 10.1.2.3\r\nm=audio x RTP/AVP 0\r\n";
        MediaException failure = malformed(enginesBrokenSdp);

        assertEquals("media could not be anchored",
                MediaFailureReply.warningText(failure, Optional.of(bytes(SampleSdp.plainAudio("ok", 40000)))));
        assertEquals("media could not be anchored", MediaFailureReply.warningText(failure, Optional.empty()));
    }

    @Test
    @DisplayName("500: an unknown profile does not list the configured ones")
    void unknownProfile() throws Exception {
        Reply reply = Reply.to(MediaException.unknownProfile(CALL_ID, "gold", Set.of("internal_secret_profile")),
                Optional.empty());

        assertEquals(500, reply.status);
        assertEquals("399 sipanchor \"media profile not available\"", reply.headers.get("Warning"));
        assertTrue(log.messages().get(0).contains("internal_secret_profile"), log.messages().get(0));
    }

    @Test
    @DisplayName("413: SDP too large to anchor (RTPEngine over UDP takes at most 65,507 bytes), the size only in the log")
    void tooLarge() throws Exception {
        Reply reply = Reply.to(new MediaException(MediaException.Kind.TOO_LARGE, CALL_ID,
                "offer not sent: 70012 bytes exceed the UDP limit of 127.0.0.1:22222", null), Optional.empty());

        assertEquals(413, reply.status);
        assertEquals("399 sipanchor \"SDP too large to anchor\"", reply.headers.get("Warning"));
        assertFalse(reply.headers.toString().contains("127.0.0.1"), reply.headers.toString());
        assertTrue(log.messages().get(0).contains("70012 bytes"), log.messages().get(0));
    }

    @Test
    @DisplayName("the warning text cannot end its quoted string or the header early")
    void warningIsOneQuotedString() {
        assertEquals("399 sipanchor \"a 'b' c' d''\"", MediaFailureReply.warningHeader("a \"b\" c\\ d\r\n"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What {@link MediaFailureReply#send} did to a request: the response it created, its headers, whether it went. */
    private static final class Reply {
        int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        boolean sent;

        static Reply to(MediaException failure, Optional<String> sdp) throws Exception {
            Reply reply = new Reply();
            SipServletResponse response = (SipServletResponse) Proxy.newProxyInstance(
                    Reply.class.getClassLoader(), new Class<?>[] {SipServletResponse.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setHeader" -> reply.headers.put((String) args[0], (String) args[1]);
                            case "send" -> reply.sent = true;
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                        return null;
                    });
            SipServletRequest request = (SipServletRequest) Proxy.newProxyInstance(
                    Reply.class.getClassLoader(), new Class<?>[] {SipServletRequest.class}, (proxy, method, args) ->
                            switch (method.getName()) {
                                case "getCallId" -> CALL_ID;
                                case "getMethod" -> "INVITE";
                                case "getContentType" -> sdp.isPresent() ? "application/sdp" : null;
                                case "getContentLength" -> sdp.map(s -> bytes(s).length).orElse(0);
                                case "getRawContent" -> sdp.map(MediaFailureReplyTest::bytes).orElse(null);
                                case "createResponse" -> {
                                    reply.status = (Integer) args[0];
                                    yield response;
                                }
                                default -> throw new UnsupportedOperationException(method.getName());
                            });
            MediaFailureReply.send(request, failure);
            return reply;
        }
    }
}
