package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.apache.log4j.spi.LoggingEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConsoleLogging: no password reaches standard output, at any level, from any logger")
class ConsoleLoggingTest {

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
}
