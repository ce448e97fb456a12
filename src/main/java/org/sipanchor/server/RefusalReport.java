package org.sipanchor.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.sipanchor.net.ReportInterval;

/**
 * The log of admission refusals: one warning per ten seconds with their count and an example Call-ID,
 * not one line per INVITE ({@link ReportInterval}).
 */
final class RefusalReport {

    private static final Logger LOG = Logger.getLogger(AdmissionValve.class.getName());

    private final String where;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sinceLog = new AtomicLong();
    private final ReportInterval interval = new ReportInterval();

    /** @param where what refuses, for the log: e.g. "before parsing" */
    RefusalReport(String where) {
        this.where = where;
    }

    /** Counts one refusal of the INVITE {@code callId}, sent while messages waited {@code waitMillis}. */
    void refused(String callId, long waitMillis, long maxDelayMillis) {
        refused.incrementAndGet();
        long count = sinceLog.incrementAndGet();
        if (interval.due()) {
            long total = sinceLog.getAndSet(0);
            LOG.warning(() -> "overloaded: " + total + " new INVITEs refused with 503 " + where + " since the last report"
                    + " (messages waiting " + waitMillis + " ms for a SIP thread, limit sip.admission.max_queue_delay_ms "
                    + maxDelayMillis + "); calls in progress are served; e.g. call-id=" + callId);
        } else if (count == 1) {
            LOG.fine(() -> "call-id=" + callId + " refused: overloaded");
        }
    }

    /** How many refusals were counted. */
    long count() {
        return refused.get();
    }
}
