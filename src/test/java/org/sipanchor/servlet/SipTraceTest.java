package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.URI;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.LogConfig;
import org.sipanchor.config.LogLevel;

@DisplayName("log.sip_trace: every message on one line, SRTP keys and credentials masked")
class SipTraceTest {

    private static final String RESPONSE = "6629fae49393a05397450978507c4ef1";
    private static final String KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    private final List<String> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger(SipTrace.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        log.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        log.removeHandler(capture);
    }

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

        assertEquals(1, logged.size());
        String line = logged.get(0);
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
        assertTrue(logged.isEmpty());
    }
}
