package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.URI;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.LogConfig;
import org.sipanchor.config.LogLevel;

import org.sipanchor.testing.LogCapture;

@DisplayName("log.sip_trace: every message on one line, SRTP keys and credentials masked")
class SipTraceTest {

    private static final String RESPONSE = "6629fae49393a05397450978507c4ef1";
    private static final String KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    @RegisterExtension
    final LogCapture log = LogCapture.of(SipTrace.class);

    private static SipServletRequest invite(String text) {
        URI uri = (URI) Proxy.newProxyInstance(SipTraceTest.class.getClassLoader(), new Class<?>[] {URI.class},
                (proxy, method, args) -> "toString".equals(method.getName()) ? "sip:alice@example.com" : null);
        return (SipServletRequest) Proxy.newProxyInstance(SipTraceTest.class.getClassLoader(),
                new Class<?>[] {SipServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getMethod" -> "INVITE";
                    case "getRequestURI" -> uri;
                    case "getCallId" -> "trace-1";
                    case "toString" -> text;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    @DisplayName("Authorization and Proxy-Authorization keep the scheme and username; a=crypto keeps its suite")
    void credentialsAndKeysAreMasked() {
        String message = "INVITE sip:alice@example.com SIP/2.0\r\n"
                + "Authorization: Digest username=\"bob\", realm=\"example.com\", nonce=\"abc\", response=\"" + RESPONSE + "\"\r\n"
                + "Proxy-Authorization: Basic Ym9iOnMzY3JldC1wYXNz\r\n"
                + "Content-Type: application/sdp\r\n\r\n"
                + "v=0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^20|1:32\r\n";

        new SipTrace(new LogConfig(LogLevel.INFO, LogLevel.WARN, true, java.util.Map.of())).received(invite(message));

        assertEquals(1, log.messages().size());
        String line = log.messages().get(0);
        assertTrue(line.startsWith("call-id=trace-1 received INVITE sip:alice@example.com | "), line);
        assertFalse(line.contains(RESPONSE), line);
        assertFalse(line.contains("Ym9iOnMzY3JldC1wYXNz"), line);
        assertFalse(line.contains(KEY), line);
        assertTrue(line.contains("| Authorization: Digest username=\"bob\", *** |"), line);
        assertTrue(line.contains("| Proxy-Authorization: Basic *** |"), line);
        assertTrue(line.contains("| a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:*** |"), line);
    }

    @Test
    @DisplayName("off: nothing is logged")
    void off() {
        new SipTrace(new LogConfig(LogLevel.INFO, LogLevel.WARN, false, java.util.Map.of())).received(invite("INVITE x SIP/2.0\r\n"));
        assertTrue(log.messages().isEmpty());
    }
}
