package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Keys in SDP never reach a log")
class RedactionTest {

    private final SessionDescription srtp = Fixtures.sdp("srtp-offer.sdp");

    private static void assertNoKey(String logged) {
        for (String key : Fixtures.SRTP_KEYS) {
            assertFalse(logged.contains(key), "a crypto key in: " + logged);
        }
    }

    @Test
    void theLogStringMasksEveryInlineKey() {
        String log = srtp.toLogString();
        assertNoKey(log);
        assertTrue(log.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***\n"), log);
        assertTrue(log.contains("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:***\n"), log);
        assertTrue(log.contains("m=audio 59628 RTP/SAVP 9 8 0 101\n"), "everything else is shown");
    }

    @Test
    void aWholeSipMessageIsMaskedLineByLineWithItsLineEndingsKept() {
        String message = "INVITE sip:bob@example.com SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n"
                + new String(srtp.toBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String logged = CryptoRedaction.redact(message);
        assertNoKey(logged);
        assertTrue(logged.startsWith("INVITE sip:bob@example.com SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n"), logged);
        assertTrue(logged.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***\r\n"), logged);
        assertEquals(message.lines().count(), logged.lines().count());
    }

    @Test
    void toStringIsTheLogString() {
        assertEquals(srtp.toLogString(), srtp.toString());
        assertNoKey(srtp.toString());
        assertNoKey(srtp.media().get(0).toString());
        assertNoKey(srtp.media().get(0).attributes().toString());
        assertNoKey(String.valueOf(srtp.media().get(0).attributes().get(2)));
    }

    @Test
    void theBodyItselfKeepsTheKeys() {
        String body = Fixtures.text(srtp);
        for (String key : Fixtures.SRTP_KEYS) {
            assertTrue(body.contains(key));
        }
        assertTrue(srtp.media().get(0).attributes().get(2).toLine().contains(Fixtures.SRTP_KEYS.get(0)));
    }

    @Test
    void otherSecretsAreMaskedToo() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "k=base64:c2VjcmV0LWtleQ==", "m=audio 4000 RTP/SAVP 0",
                "a=key-mgmt:mikey AQAFgM0XflABAAAAAAAAAAAAAAsAyOmLS", "a=ice-pwd:asd88fgpdd777uzjYhagZg",
                "a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20;inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20 KDR=1"));
        String log = sdp.toLogString();
        assertTrue(log.contains("k=base64:***\n"), log);
        assertTrue(log.contains("a=key-mgmt:mikey ***\n"), log);
        assertTrue(log.contains("a=ice-pwd:***\n"), log);
        assertTrue(log.contains("a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:***\n"), log);
        for (String secret : new String[] {"c2VjcmV0", "AQAFgM0X", "asd88fgp", "WVNfX19z", "QUJjZGVm"}) {
            assertFalse(log.contains(secret), secret + " in " + log);
        }
    }

    @Test
    void aKeyWithoutTheInlinePrefixIsMaskedAsWell() {
        assertEquals("a=crypto:1 AES_CM_128_HMAC_SHA1_80 ***",
                new Attribute("crypto", "1 AES_CM_128_HMAC_SHA1_80 PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR").toString());
        assertEquals("a=crypto:***", new Attribute("crypto", "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR").toString());
    }

    @Test
    void aTransformedSdpIsStillMasked() {
        assertNoKey(srtp.hold().filterCodecs(java.util.List.of("PCMA")).maskIdentity("sipanchor").toString());
    }
}
