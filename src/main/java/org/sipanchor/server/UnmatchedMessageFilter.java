package org.sipanchor.server;

import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.log4j.spi.Filter;
import org.apache.log4j.spi.LoggingEvent;
import org.apache.log4j.spi.ThrowableInformation;
import org.mobicents.servlet.sip.core.DispatcherException;
import org.sipanchor.net.CountReport;
import org.sipanchor.net.ReportInterval;

/**
 * Turns the container's error for a message it cannot match into one warning per ten seconds with a count and an
 * example Call-ID, and one when the ten seconds end with errors not yet reported ({@link CountReport}). Restcomm's
 * {@code SipApplicationDispatcherImpl} logs each at ERROR with the whole message and a stack trace
 * ({@link DispatcherException}): a request inside a dialog ("cannot find the application to handle this subsequent
 * request", or "... the corresponding sip application session ..."), which it then answers itself, and a response to no request of ours ("the via header branch ... for
 * the response is wrong"), which it drops. A peer sending BYEs for calls that do not exist (a hostile one, or a load
 * generator after a 503) or made-up responses would otherwise buy a stack trace per packet, and the masking of every
 * line of it (measured: 3.6% of the proxy's CPU in a bench run). Every other event, errors with their stack traces
 * included, passes untouched.
 */
final class UnmatchedMessageFilter extends Filter {

    private static final Logger LOG = Logger.getLogger(UnmatchedMessageFilter.class.getName());
    private static final Pattern CALL_ID = Pattern.compile("(?im)^\\s*(?:call-id|i)\\s*:\\s*(\\S+)");

    private final CountReport<LoggingEvent> report;

    UnmatchedMessageFilter() {
        this(new ReportInterval());
    }

    UnmatchedMessageFilter(ReportInterval interval) {
        // the example's Call-ID is looked for only when a line is written
        this.report = new CountReport<>(interval, (count, example) -> {
            String callId = callId(example.getRenderedMessage(), example.getThrowableInformation().getThrowable().getMessage());
            LOG.warning(() -> count + " requests inside a dialog or responses matched no call since the last report (the"
                    + " container answered or dropped them itself: a call already ended, or a peer sending messages for"
                    + " calls that never existed); e.g. call-id=" + callId);
        });
    }

    @Override
    public int decide(LoggingEvent event) {
        ThrowableInformation thrown = event.getThrowableInformation();
        if (thrown == null || !isUnmatched(thrown.getThrowable())) {
            return NEUTRAL;
        }
        report.count(event);
        return DENY;
    }

    /** How many such errors were turned into the count. */
    long count() {
        return report.total();
    }

    /**
     * Whether {@code thrown} is the container's "no application, no session for this subsequent request", or "no
     * request of ours for this response".
     */
    static boolean isUnmatched(Throwable thrown) {
        if (!(thrown instanceof DispatcherException)) {
            return false;
        }
        String message = thrown.getMessage();
        return message != null && (message.regionMatches(true, 0, "cannot find the", 0, 15)
                && message.contains("subsequent request") || message.contains("for the response is wrong"));
    }

    /** The Call-ID of the message in the log line (which holds the whole message), or in the exception's. */
    private static String callId(String... texts) {
        for (String text : texts) {
            if (text != null) {
                Matcher header = CALL_ID.matcher(text);
                if (header.find()) {
                    return header.group(1);
                }
            }
        }
        return "(none found)";
    }
}
