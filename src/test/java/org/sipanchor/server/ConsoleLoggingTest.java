package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.apache.log4j.WriterAppender;
import org.apache.log4j.spi.Filter;
import org.apache.log4j.spi.LoggingEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mobicents.servlet.sip.core.DispatcherException;
import org.sipanchor.testing.LogCapture;
import org.sipanchor.net.ReportInterval;

@DisplayName("ConsoleLogging: no password reaches standard output, at any level, from any logger")
class ConsoleLoggingTest {

    @RegisterExtension
    final LogCapture unmatchedLog = LogCapture.of(UnmatchedMessageFilter.class);

    /** What Restcomm's SipStandardService logs at INFO while it starts the SIP stack. */
    private static String stackPropertiesLine(String keystorePassword, String truststorePassword) {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "sipanchor");
        properties.setProperty("javax.net.ssl.keyStore", "/etc/sipanchor/sip.p12");
        properties.setProperty("javax.net.ssl.keyStorePassword", keystorePassword);
        properties.setProperty("javax.net.ssl.trustStorePassword", truststorePassword);
        properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        return "Mobicents Sip Servlets sip stack properties : " + properties;
    }

    @Test
    @DisplayName("the container's stack-properties line, through its log4j layout, shows every property but the passwords")
    void containerStackPropertiesLine() {
        String line = new ConsoleLogging.OneLineLayout().format(new LoggingEvent(getClass().getName(),
                org.apache.log4j.Logger.getLogger("org.mobicents.servlet.sip.catalina.SipStandardService"),
                org.apache.log4j.Level.INFO, stackPropertiesLine("k3ystore-Pass", "tru5t-Pass"), null));

        assertFalse(line.contains("k3ystore-Pass"), line);
        assertFalse(line.contains("tru5t-Pass"), line);
        assertTrue(line.contains("javax.net.ssl.keyStorePassword=***"), line);
        assertTrue(line.contains("javax.net.ssl.trustStorePassword=***"), line);
        assertTrue(line.contains("javax.net.ssl.keyStore=/etc/sipanchor/sip.p12"), "the rest is shown: " + line);
        assertTrue(line.contains("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE=Disabled"), line);
    }

    @Test
    @DisplayName("a registered secret is masked wherever it appears, even with spaces or commas in it and no key")
    void registeredSecretAnywhere() {
        String password = "open, sesame } now";
        ConsoleLogging.registerSecret(password);

        String properties = ConsoleLogging.oneLine(stackPropertiesLine(password, password));
        String bare = ConsoleLogging.oneLine("cannot open keystore with " + password);

        assertFalse(properties.contains("sesame"), properties);
        assertFalse(bare.contains("sesame"), bare);
        assertTrue(bare.endsWith("with ***"), bare);
    }

    @Test
    @DisplayName("sipanchor's own lines (java.util.logging) and their stack traces are masked the same way")
    void julLinesAndStackTraces() {
        LogRecord record = new LogRecord(Level.FINE, "settings {keystore_password=\"hunter22\", port=5063}");
        record.setLoggerName("org.sipanchor.server.Main");
        record.setThrown(new IllegalStateException("javax.net.ssl.keyStorePassword=hunter22"));

        String line = new ConsoleLogging.OneLineFormatter().format(record);

        assertFalse(line.contains("hunter22"), line);
        assertTrue(line.contains("keystore_password=***"), line);
        assertTrue(line.contains("port=5063"), line);
    }

    /** What Restcomm's SipApplicationDispatcherImpl logs for a BYE it cannot match: the request, and this exception. */
    private static LoggingEvent unmatchedBye(String callId) {
        String bye = "BYE sip:bob@127.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-9\r\n"
                + "To: <sip:bob@127.0.0.1>;tag=sa-overload-1f\r\nCall-ID: " + callId + "\r\nCSeq: 2 BYE\r\n\r\n";
        return new LoggingEvent(org.apache.log4j.Logger.class.getName(),
                org.apache.log4j.Logger.getLogger("org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl"),
                org.apache.log4j.Level.ERROR, "Unexpected exception while processing request " + bye,
                new DispatcherException(481, "cannot find the application to handle this subsequent request " + bye));
    }

    private static LoggingEvent error(String message, Throwable thrown) {
        return new LoggingEvent(org.apache.log4j.Logger.class.getName(),
                org.apache.log4j.Logger.getLogger("org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl"),
                org.apache.log4j.Level.ERROR, message, thrown);
    }

    @Test
    @DisplayName("the container's error for an in-dialog request it cannot match prints nothing; other errors keep their stack traces")
    void unmatchedRequestsWithoutStackTraces() {
        StringWriter out = new StringWriter();
        WriterAppender appender = ConsoleLogging.containerAppender(new WriterAppender(new ConsoleLogging.OneLineLayout(), out));

        appender.doAppend(unmatchedBye("stray-1"));
        appender.doAppend(unmatchedBye("stray-2"));
        appender.doAppend(error("An unexpected exception happened while routing the response SIP/2.0 200 OK",
                new DispatcherException("the via header branch z9hG4bK-madeup for the response is wrong the response"
                        + " does not reuse the one from the original request")));
        assertEquals("", out.toString(), "no line, no stack trace");

        appender.doAppend(error("Unexpected exception while processing request", new IllegalStateException("broken")));
        appender.doAppend(error("Unexpected exception while processing request",
                new DispatcherException(500, "something else went wrong")));
        String printed = out.toString();
        assertTrue(printed.contains("ERROR [SipApplicationDispatcherImpl] Unexpected exception"), printed);
        assertTrue(printed.contains("    java.lang.IllegalStateException: broken"), printed);
        assertTrue(printed.contains("    org.mobicents.servlet.sip.core.DispatcherException: something else went wrong"), printed);
        assertTrue(printed.contains("\tat org.sipanchor.server.ConsoleLoggingTest"), "their stack traces: " + printed);
    }

    @Test
    @DisplayName("unmatched in-dialog requests are one warning per 10 s, with their count and an example Call-ID")
    void unmatchedRequestsCounted() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        UnmatchedMessageFilter filter = new UnmatchedMessageFilter(new ReportInterval(nanos::get, (report, delay) -> { }));

        assertEquals(Filter.DENY, filter.decide(unmatchedBye("stray-1")));
        assertEquals(List.of("1 requests inside a dialog or responses matched no call since the last report (the"
                + " container answered or dropped them itself: a call already ended, or a peer sending messages for"
                + " calls that never existed); e.g. call-id=stray-1"), unmatchedLog.messages());
        for (int i = 2; i <= 80; i++) {
            assertEquals(Filter.DENY, filter.decide(unmatchedBye("stray-" + i)));
        }
        assertEquals(1, unmatchedLog.messages().size(), "nothing more within the interval");

        nanos.addAndGet(ReportInterval.INTERVAL_NANOS);
        filter.decide(unmatchedBye("stray-81"));
        assertEquals(2, unmatchedLog.messages().size());
        assertTrue(unmatchedLog.messages().get(1).startsWith("80 requests inside a dialog or responses matched no call"), unmatchedLog.messages().get(1));
        assertTrue(unmatchedLog.messages().get(1).endsWith("e.g. call-id=stray-81"), unmatchedLog.messages().get(1));
        assertEquals(81, filter.count());
        assertEquals(Filter.NEUTRAL, filter.decide(error("no exception", null)));
        assertEquals(Filter.NEUTRAL, filter.decide(error("another", new DispatcherException(500, "something else"))));
    }
}
