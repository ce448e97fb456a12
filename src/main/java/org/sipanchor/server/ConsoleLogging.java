package org.sipanchor.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.StreamHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.ConsoleAppender;
import org.apache.log4j.EnhancedPatternLayout;
import org.sipanchor.config.LogConfig;
import org.sipanchor.config.LogLevel;
import org.sipanchor.sdp.CryptoRedaction;

/**
 * Sends every log line to standard output in one format, one event per line: sipanchor's and the application's
 * loggers (java.util.logging) at {@code log.level}, the container (log4j 1 in Restcomm, JULI in Tomcat, Weld) at
 * {@code log.container_level}, and any logger named in {@code log.loggers} at its own level. No line shows a secret, whatever the level: see {@link #mask}.
 */
final class ConsoleLogging {

    static final String SIPANCHOR_LOGGERS = "org.sipanchor";
    /** The container's and its libraries' loggers, chatty at INFO: they follow {@code log.container_level}. */
    private static final java.util.List<String> CONTAINER_LOGGERS = java.util.List.of("org.apache", "org.mobicents",
            "gov.nist", "javax.sip", "org.jboss", "org.restcomm", "io.prometheus", "sun", "javax", "jakarta", "com.sun");
    /** Loggers given a level here, held because java.util.logging keeps loggers only weakly. */
    private static final java.util.List<Logger> CONFIGURED = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Loggers whose warnings say nothing to an operator: Tomcat misses the JSP schemas, and this container
     * serves no JSP. Held here because java.util.logging keeps loggers only weakly.
     */
    private static final java.util.List<Logger> QUIETED = java.util.List.of(
            Logger.getLogger("org.apache.tomcat.util.descriptor.DigesterFactory"),
            Logger.getLogger("org.apache.catalina.startup.DigesterFactory"));
    /** The same line as {@link StdoutHandler}'s, in UTC whatever the JVM's time zone. */
    private static final String LOG4J_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}{UTC} %-5p [%c{1}] %m%n";

    /**
     * A value after a key naming a password or secret, as the container prints configuration: a {@code Properties}
     * ({@code {javax.net.ssl.keyStorePassword=changeit, ...}}), {@code key: value}, {@code key="value"}.
     */
    private static final java.util.regex.Pattern SECRET_SETTING = java.util.regex.Pattern.compile(
            "(?i)([\\w.\\-]*(?:password|passwd|passphrase|secret)[\\w.\\-]*\"?\\s*[=:]\\s*)(\"[^\"]*\"|[^,;}\\s]*)");
    /** Values this process holds as secrets, masked wherever they appear, whatever key (or none) they come with. */
    private static final java.util.Set<String> SECRETS = new java.util.concurrent.CopyOnWriteArraySet<>();
    /**
     * Shorter values would mask ordinary words and numbers all over the log; they are still masked where they follow
     * a password key.
     */
    private static final int MIN_LITERAL_SECRET = 4;

    private ConsoleLogging() {
    }

    /**
     * Declares {@code value} a secret (a key store password): from now on no log line shows it, at any level, from
     * any logger, the container's included.
     */
    static void registerSecret(String value) {
        if (value != null && value.length() >= MIN_LITERAL_SECRET) {
            SECRETS.add(value);
        }
    }

    /**
     * Text about to be logged with every secret masked: SRTP keys and SIP credentials ({@link CryptoRedaction}), the
     * value of any setting named like a password, and the registered secrets wherever they appear.
     */
    static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = CryptoRedaction.redact(text);
        for (String secret : SECRETS) {
            masked = masked.replace(secret, "***");
        }
        return SECRET_SETTING.matcher(masked).replaceAll("$1***");
    }

    static void install(LogConfig config) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new StdoutHandler();
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(julLevel(config.level()));
        CONFIGURED.clear();
        CONTAINER_LOGGERS.forEach(name -> configure(name, config.containerLevel()));
        configure(SIPANCHOR_LOGGERS, config.level());
        config.loggers().forEach(ConsoleLogging::configure);
        QUIETED.forEach(logger -> logger.setLevel(Level.SEVERE));

        org.apache.log4j.Logger log4jRoot = org.apache.log4j.Logger.getRootLogger();
        log4jRoot.removeAllAppenders();
        log4jRoot.addAppender(containerAppender(new ConsoleAppender(new OneLineLayout(), ConsoleAppender.SYSTEM_OUT)));
        log4jRoot.setLevel(org.apache.log4j.Level.toLevel(config.containerLevel().name()));
        config.loggers().forEach((name, level) -> org.apache.log4j.Logger.getLogger(name)
                .setLevel(org.apache.log4j.Level.toLevel(level.name())));
        // Nothing finer than this is ever printed: with the repository's threshold there, log4j answers the container's
        // isDebugEnabled() at once instead of walking the logger hierarchy, several times per SIP message (profiled).
        org.apache.log4j.Level finest = org.apache.log4j.Level.toLevel(config.containerLevel().name());
        for (LogLevel level : config.loggers().values()) {
            org.apache.log4j.Level named = org.apache.log4j.Level.toLevel(level.name());
            if (!named.isGreaterOrEqual(finest)) {
                finest = named;
            }
        }
        org.apache.log4j.LogManager.getLoggerRepository().setThreshold(finest);
    }

    /**
     * {@code appender} as the container's lines go through it: one line per event, masked ({@link OneLineLayout}),
     * and the container's error per unmatched in-dialog request counted instead of printed
     * ({@link UnmatchedMessageFilter}).
     */
    static <A extends AppenderSkeleton> A containerAppender(A appender) {
        appender.setLayout(new OneLineLayout());
        appender.addFilter(new UnmatchedMessageFilter());
        return appender;
    }

    private static void configure(String name, LogLevel level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(julLevel(level));
        CONFIGURED.add(logger);
    }

    private static Level julLevel(LogLevel level) {
        return switch (level) {
            case ERROR -> Level.SEVERE;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
            case TRACE -> Level.FINEST;
        };
    }

    /** Standard output, flushed per line and never closed (the JDK's console handler writes to standard error). */
    private static final class StdoutHandler extends StreamHandler {
        StdoutHandler() {
            super(System.out, new OneLineFormatter());
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

        @Override
        public synchronized void close() {
            flush();
        }
    }

    /**
     * A message as one line with secrets masked ({@link #mask}): the container logs whole SIP messages when it is
     * unhappy with one, SDP with a=crypto included, and its SIP stack properties at INFO, the key store password
     * included.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String masked = mask(message).strip();
        return masked.replace("\r\n", " | ").replace('\n', ' ').replace('\r', ' ');
    }

    /** The container's log4j lines in the same shape as sipanchor's own. */
    static final class OneLineLayout extends EnhancedPatternLayout {
        OneLineLayout() {
            super(LOG4J_PATTERN);
        }

        @Override
        public String format(org.apache.log4j.spi.LoggingEvent event) {
            StringBuilder line = new StringBuilder(oneLine(super.format(event))).append('\n');
            String[] trace = event.getThrowableStrRep();
            if (trace != null) {
                // the container puts whole SIP messages into exception messages: masked like any other line
                for (String traceLine : trace) {
                    line.append("    ").append(mask(traceLine)).append('\n');
                }
            }
            return line.toString();
        }

        /** The throwable is written by {@link #format}, masked, not by the appender. */
        @Override
        public boolean ignoresThrowable() {
            return false;
        }
    }

    /** {@code 2026-11-26T11:24:54.123Z INFO  [RtpEngineService] message}, stack trace indented below. */
    static final class OneLineFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160);
            line.append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ');
            String level = levelName(record.getLevel());
            line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            line.append('[').append(logger.substring(logger.lastIndexOf('.') + 1)).append("] ");
            line.append(oneLine(formatMessage(record))).append('\n');
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(mask(trace.toString()).indent(4));
            }
            return line.toString();
        }

        private static String levelName(Level level) {
            int value = level.intValue();
            if (value >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (value >= Level.WARNING.intValue()) {
                return "WARN";
            }
            if (value >= Level.INFO.intValue()) {
                return "INFO";
            }
            return value >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }
    }
}
