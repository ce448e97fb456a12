package org.sipanchor.server;

import java.util.logging.Logger;

import org.sipanchor.net.CountReport;
import org.sipanchor.net.ReportInterval;

/**
 * The log of admission refusals: one warning per ten seconds with their count and an example Call-ID, not one line
 * per INVITE, and one when the ten seconds end with refusals not yet reported ({@link CountReport}).
 */
final class RefusalReport {

    private static final Logger LOG = Logger.getLogger(AdmissionValve.class.getName());

    private final CountReport<Refusal> report;

    /** @param where what refuses, for the log: e.g. "before parsing" */
    RefusalReport(String where) {
        this(where, new ReportInterval());
    }

    RefusalReport(String where, ReportInterval interval) {
        this.report = new CountReport<>(interval, (total, example) -> LOG.warning(() -> "overloaded: " + total
                + " new INVITEs refused with 503 " + where + " since the last report (messages waiting "
                + example.waitMillis() + " ms for a SIP thread, limit sip.admission.max_queue_delay_ms "
                + example.maxDelayMillis() + "); calls in progress are served; e.g. call-id=" + example.callId()));
    }

    /** Counts one refusal of the INVITE {@code callId}, sent while messages waited {@code waitMillis}. */
    void refused(String callId, long waitMillis, long maxDelayMillis) {
        if (report.count(new Refusal(callId, waitMillis, maxDelayMillis)) == 1) {
            LOG.fine(() -> "call-id=" + callId + " refused: overloaded");
        }
    }

    /** How many refusals were counted. */
    long count() {
        return report.total();
    }

    private record Refusal(String callId, long waitMillis, long maxDelayMillis) {
    }
}
