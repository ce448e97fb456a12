package org.sipanchor.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.sipanchor.net.ReportInterval;

/**
 * The log of admission refusals: one warning per ten seconds with their count and an example Call-ID, not one line
 * per INVITE, and one when the ten seconds end with refusals not yet reported ({@link ReportInterval#report}).
 */
final class RefusalReport {

    private static final Logger LOG = Logger.getLogger(AdmissionValve.class.getName());

    private final String where;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sinceLog = new AtomicLong();
    private final ReportInterval interval;
    /** The last refusal, the report's example. */
    private volatile Refusal last;

    /** @param where what refuses, for the log: e.g. "before parsing" */
    RefusalReport(String where) {
        this(where, new ReportInterval());
    }

    RefusalReport(String where, ReportInterval interval) {
        this.where = where;
        this.interval = interval;
    }

    /** Counts one refusal of the INVITE {@code callId}, sent while messages waited {@code waitMillis}. */
    void refused(String callId, long waitMillis, long maxDelayMillis) {
        refused.incrementAndGet();
        last = new Refusal(callId, waitMillis, maxDelayMillis);
        if (sinceLog.incrementAndGet() == 1) {
            LOG.fine(() -> "call-id=" + callId + " refused: overloaded");
        }
        interval.report(this::write);
    }

    /** How many refusals were counted. */
    long count() {
        return refused.get();
    }

    private boolean write() {
        long total = sinceLog.getAndSet(0);
        if (total == 0) {
            return false;
        }
        Refusal example = last;
        LOG.warning(() -> "overloaded: " + total + " new INVITEs refused with 503 " + where + " since the last report"
                + " (messages waiting " + example.waitMillis() + " ms for a SIP thread, limit"
                + " sip.admission.max_queue_delay_ms " + example.maxDelayMillis() + "); calls in progress are served;"
                + " e.g. call-id=" + example.callId());
        return true;
    }

    private record Refusal(String callId, long waitMillis, long maxDelayMillis) {
    }
}
