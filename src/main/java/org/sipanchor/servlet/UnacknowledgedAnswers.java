package org.sipanchor.servlet;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

import org.sipanchor.media.MediaCall;
import org.sipanchor.net.ReportInterval;

/**
 * The 2xx answers to new INVITEs that the proxy relayed and whose ACK has not come through it yet. A caller that never
 * acknowledges its 2xx (it gave up, crashed, or never meant to call) leaves a dialog nobody will end unless the
 * callee does: RFC 3261 section 13.3.1.4 has the callee send a BYE once its 2xx has gone unacknowledged for 64 x T1
 * (32 s), but a callee that does not (a broken one, or a load generator) would leave the call's media anchored until
 * its application session expires, minutes later; a caller that gives up on purpose could hold RTPEngine's ports that
 * way. So the proxy does what the callee should: the media of a call whose 2xx got no ACK within {@link #WAIT_NANOS}
 * is released, and the log says so once per ten seconds, with a count and a Call-ID.
 *
 * <p>An ACK usually follows its 2xx within milliseconds, so the table holds the calls being answered right now; a
 * sweep once a second, on a thread of its own, finds the late ones. A call released meanwhile (a BYE, a CANCEL's
 * race) is left as it is.
 */
final class UnacknowledgedAnswers implements AutoCloseable {

    /** 64 x T1: how long a callee retransmits its 2xx waiting for the ACK. */
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(32);

    private static final Logger LOG = Logger.getLogger(UnacknowledgedAnswers.class.getName());

    private record Awaited(MediaCall call, long answeredNanos) {
    }

    private final Map<String, Awaited> byCallId = new ConcurrentHashMap<>();
    private final LongSupplier clockNanos;
    private final Consumer<MediaCall> release;
    private final ReportInterval reports;
    private long releasedSinceReport;
    private String exampleSinceReport;
    private ScheduledExecutorService sweeper;

    /**
     * @param release    releases a call's media
     * @param clockNanos the monotonic clock the waits are measured on
     */
    UnacknowledgedAnswers(Consumer<MediaCall> release, LongSupplier clockNanos) {
        this.release = release;
        this.clockNanos = clockNanos;
        this.reports = new ReportInterval(clockNanos);
    }

    /** Sweeps once a second from now on, until {@link #close}. */
    synchronized UnacknowledgedAnswers sweepingEverySecond() {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "sipanchor-unacknowledged-answers");
                thread.setDaemon(true);
                return thread;
            });
            sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    /** The 2xx to {@code call}'s INVITE was relayed: its ACK is awaited (a later 2xx of the same call, forked, restarts the wait). */
    void answered(MediaCall call) {
        byCallId.put(call.callId(), new Awaited(call, clockNanos.getAsLong()));
    }

    /** The ACK of the 2xx to call {@code callId} came. */
    void acknowledged(String callId) {
        byCallId.remove(callId);
    }

    /** How many calls await their ACK. */
    int awaited() {
        return byCallId.size();
    }

    /** Releases the media of every call whose 2xx has waited {@link #WAIT_NANOS} for its ACK; returns how many. */
    int sweep() {
        long now = clockNanos.getAsLong();
        int released = 0;
        String example = null;
        for (Iterator<Awaited> calls = byCallId.values().iterator(); calls.hasNext();) {
            Awaited awaited = calls.next();
            if (now - awaited.answeredNanos() < WAIT_NANOS) {
                continue;
            }
            calls.remove();
            if (!awaited.call().isReleased()) {
                try {
                    release.accept(awaited.call());
                    released++;
                    example = awaited.call().callId();
                } catch (RuntimeException e) {
                    LOG.warning("call-id=" + awaited.call().callId() + " media not released after its 2xx went unacknowledged: " + e);
                }
            }
        }
        report(released, example);
        return released;
    }

    private synchronized void report(int released, String example) {
        releasedSinceReport += released;
        if (example != null) {
            exampleSinceReport = example;
        }
        if (releasedSinceReport > 0 && reports.due()) {
            long count = releasedSinceReport;
            String callId = exampleSinceReport;
            releasedSinceReport = 0;
            LOG.info(() -> count + " calls whose caller sent no ACK for the 2xx within 32 s (RFC 3261 13.3.1.4): media "
                    + "released, since the last report; e.g. call-id=" + callId);
        }
    }

    @Override
    public synchronized void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        byCallId.clear();
    }
}
