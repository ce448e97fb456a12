package org.sipanchor.server;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import org.sipanchor.net.ReportInterval;

/**
 * The log of datagrams a UDP listener's queue dropped unparsed because of the source they came from: one warning per
 * ten seconds with the counts since the last one and the address of a source dropped from, and one when the ten
 * seconds end with drops not yet reported ({@link ReportInterval#report}); never a line per datagram (that would hand
 * a flooder the log as well).
 */
final class DropReport {

    private static final Logger LOG = Logger.getLogger(AdmittingQueue.class.getName());

    private final int perSourceCap;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong aboveShareSinceLog = new AtomicLong();
    private final AtomicLong overCapSinceLog = new AtomicLong();
    private final AtomicLong retransmissionsSinceLog = new AtomicLong();
    private final ReportInterval interval = new ReportInterval();
    private final BooleanSupplier write = this::write;
    /** The last datagram dropped, the report's example. */
    private volatile Drop last;

    /** @param perSourceCap how many datagrams one source may have queued, for the log */
    DropReport(int perSourceCap) {
        this.perSourceCap = perSourceCap;
    }

    /** Counts one datagram from {@code source} dropped while overloaded: it held more than its share of the queue. */
    void aboveShare(InetAddress source, int held, int queued) {
        aboveShareSinceLog.incrementAndGet();
        counted(source, held, queued);
    }

    /** Counts one datagram from {@code source} dropped because it already held the per-source cap. */
    void overCap(InetAddress source, int held, int queued) {
        overCapSinceLog.incrementAndGet();
        counted(source, held, queued);
    }

    /**
     * Counts a retransmitted INVITE from {@code source} dropped while overloaded: its transaction is being served, and
     * its caller sends it again until it hears from that transaction.
     */
    void retransmission(InetAddress source, int held, int queued) {
        retransmissionsSinceLog.incrementAndGet();
        counted(source, held, queued);
    }

    /** How many datagrams were dropped, for any reason. */
    long count() {
        return dropped.get();
    }

    private void counted(InetAddress source, int held, int queued) {
        dropped.incrementAndGet();
        last = new Drop(source, held, queued);
        interval.report(write);
    }

    private boolean write() {
        long aboveShare = aboveShareSinceLog.getAndSet(0);
        long overCap = overCapSinceLog.getAndSet(0);
        long retransmissions = retransmissionsSinceLog.getAndSet(0);
        if (aboveShare + overCap + retransmissions == 0) {
            return false;
        }
        Drop example = last;
        LOG.warning(() -> "datagrams dropped unparsed since the last report: " + aboveShare
                + " from sources holding more than their share of the SIP queue while overloaded, " + overCap
                + " from sources holding " + perSourceCap + " (the most one source may have queued), "
                + retransmissions + " retransmitted INVITEs of calls being set up (their first copy still queued, or served while overloaded); e.g. from "
                + example.source().getHostAddress() + ", holding " + example.held() + " of " + example.queued()
                + " queued datagrams");
        return true;
    }

    private record Drop(InetAddress source, int held, int queued) {
    }
}
