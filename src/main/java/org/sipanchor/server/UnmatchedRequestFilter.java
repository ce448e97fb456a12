package org.sipanchor.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.log4j.spi.Filter;
import org.apache.log4j.spi.LoggingEvent;
import org.apache.log4j.spi.ThrowableInformation;
import org.mobicents.servlet.sip.core.DispatcherException;

/**
 * Turns the container's error for a request inside a dialog it cannot match into one warning per ten seconds
 * ({@link ReportInterval}) with a count and an example Call-ID. Restcomm's {@code SipApplicationDispatcherImpl} logs
 * each such request at ERROR with the whole message and a 25-line stack trace ({@link DispatcherException} "cannot
 * find the application to handle this subsequent request", or "... the corresponding sip application session ..."),
 * then answers it itself: a peer sending BYEs for calls that do not exist (a hostile one, or a load generator after
 * a 503) would otherwise buy a stack trace per packet, and the masking of every line of it (measured: 3.6% of the
 * proxy's CPU in a bench run). Every other event, errors with their stack traces included, passes untouched.
 */
final class UnmatchedRequestFilter extends Filter {

    private static final Logger LOG = Logger.getLogger(UnmatchedRequestFilter.class.getName());
    private static final Pattern CALL_ID = Pattern.compile("(?im)^\\s*(?:call-id|i)\\s*:\\s*(\\S+)");

    private final ReportInterval interval;
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong sinceReport = new AtomicLong();

    UnmatchedRequestFilter() {
        this(System::nanoTime);
    }

    UnmatchedRequestFilter(LongSupplier clockNanos) {
        this.interval = new ReportInterval(clockNanos);
    }

    @Override
    public int decide(LoggingEvent event) {
        ThrowableInformation thrown = event.getThrowableInformation();
        if (thrown == null || !isUnmatchedRequest(thrown.getThrowable())) {
            return NEUTRAL;
        }
        unmatched.incrementAndGet();
        sinceReport.incrementAndGet();
        if (interval.due()) {
            long count = sinceReport.getAndSet(0);
            String callId = callId(event.getRenderedMessage(), thrown.getThrowable().getMessage());
            LOG.warning(() -> count + " requests inside a dialog matched no call since the last report (the container"
                    + " answered them itself: a call already ended, or a peer sending requests for calls that never"
                    + " existed); e.g. call-id=" + callId);
        }
        return DENY;
    }

    /** How many such errors were turned into the count. */
    long count() {
        return unmatched.get();
    }

    /** Whether {@code thrown} is the container's "no application, no session for this subsequent request". */
    static boolean isUnmatchedRequest(Throwable thrown) {
        if (!(thrown instanceof DispatcherException)) {
            return false;
        }
        String message = thrown.getMessage();
        return message != null && message.regionMatches(true, 0, "cannot find the", 0, 15)
                && message.contains("subsequent request");
    }

    /** The Call-ID of the request in the log message (which holds the whole request), or in the exception's. */
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
