package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Logger;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.QueuedMessageDispatchBase;

/**
 * The queue between a UDP listener's reader threads ({@link ListenerReaders}) and the SIP threads, refusing new calls at its door while its
 * oldest datagram has waited past {@code sip.admission.max_queue_delay_ms} for a while ({@link SustainedDelay}), and
 * refusing them to the sources that cause it, not to everyone: whatever one peer sends must not degrade anyone
 * else's calls.
 *
 * <p>Its two lanes ({@link TwoLaneQueue}) put the calls in progress first: a response, or a request with a To tag (an ACK,
 * a BYE, a re-INVITE), goes ahead of every new INVITE and out-of-dialog request, so that past capacity the new calls
 * wait, and are refused, while the calls already admitted complete. Its wait is that of the older of the two lanes'
 * heads.
 *
 * <p>It counts the datagrams each source address has queued ({@link SourceShares}). While overloaded:
 * <ul>
 * <li>a new INVITE from a source holding less than its fair share of the queue is queued as usual; from any other
 * source it gets a {@link StatelessRefusal} 503 from the reader thread that read it, never parsed, never queued (a lone source
 * that overloads the server holds the whole queue, so it is refused as before);</li>
 * <li>any other datagram from a source holding more than its share is dropped unparsed (a flood of OPTIONS or garbage
 * cannot push everyone's messages back); a source holding no more than that (a lone one included) keeps its calls
 * in progress served.</li>
 * </ul>
 * An INVITE whose first copy is still queued here (the caller retransmitted it while it waited) is dropped, whatever
 * the load: that first copy will be served or refused, and the caller hears from it. An INVITE whose transaction the
 * stack already has is not a new call either: refusing it would make the caller give up a call the callee may
 * answer, leaving that call's media anchored with nobody to end it. While overloaded it is dropped too: queued, it
 * would cost a SIP thread a parse only for the transaction to absorb it, and the caller sends it again until it hears
 * from that transaction.
 * Whatever the load, a request in the "dialog" of one of our 503s (its To tag is ours: SIPp, for one, answers a 503
 * with a BYE) gets a stateless {@code 481} from here ({@link StatelessRefusal#noDialog}), and the ACK of that 503 is
 * dropped: no call exists for either, and the container would parse each, fail to match it and log a stack trace.
 * And a source already holding {@link #MAX_QUEUED_PER_SOURCE} datagrams has its next ones dropped.
 * Drops are counted and logged once per ten seconds, naming a source ({@link DropReport}).
 *
 * <p>This is the cheap half of admission control: refusing through the stack (parse, reply, the ACK parsed too)
 * took SIP threads from the admitted calls for every INVITE of a flood. It runs on the listener's reader threads
 * for every datagram, so it takes no lock of its own and allocates nothing unless it answers, or meets a source
 * with nothing queued. {@link AdmissionValve} still checks each new INVITE when a SIP thread takes it, with the same
 * share rule, for those that came by TCP or were queued before the wait grew.
 */
final class AdmittingQueue extends TwoLaneQueue<DatagramQueuedMessageDispatch> {

    /**
     * The most datagrams one source may have waiting, overloaded or not. Not a setting: an operator cannot know it
     * better than this. A queued datagram holds an array of its own size ({@link ListenerSocket}), at most
     * {@code sip.limits.max_message_bytes}, so this bounds one source's cost to 1,024 of those; and at the rates measured
     * in {@code bench/} (a few thousand datagrams a second on two cores) the 1,024th datagram of one source waits
     * several times {@code sip.admission.max_queue_delay_ms}, well past the wait at which the door refuses new calls,
     * and past the first retransmission (T1, 500 ms) of whatever it carries.
     */
    static final int MAX_QUEUED_PER_SOURCE = 1024;

    private static final Logger LOG = Logger.getLogger(AdmittingQueue.class.getName());

    private final DatagramSocket socket;
    private final SustainedDelay delay;
    private final int retryAfterSecs;
    private final RefusalReport report = new RefusalReport("before parsing");
    private final SourceShares shares = new SourceShares();
    private final DropReport drops = new DropReport(MAX_QUEUED_PER_SOURCE);
    private final LongAdder answeredNoDialog = new LongAdder();
    private final Predicate<String> inProgress;
    /**
     * The branches of the new INVITEs waiting in the queue: a caller retransmits an INVITE that waited 500 ms (T1)
     * unanswered, and the stack knows no transaction for it until a SIP thread takes the first copy. Refused as a new
     * call, the copy made the caller give up a call whose first copy then reached the callee (249 such calls in one
     * proxy flood, each answered to a caller that had gone, and released only 32 s later).
     */
    private final Set<String> queuedInvites = ConcurrentHashMap.newKeySet();

    /**
     * @param socket the listener's own socket, which the refusals leave by
     * @param inProgress whether the stack has a server transaction with this id (a branch, in lower case)
     */
    AdmittingQueue(DatagramSocket socket, long maxDelayMillis, int retryAfterSecs, Predicate<String> inProgress) {
        this(socket, new SustainedDelay(maxDelayMillis), retryAfterSecs, inProgress);
    }

    AdmittingQueue(DatagramSocket socket, SustainedDelay delay, int retryAfterSecs, Predicate<String> inProgress) {
        this.socket = socket;
        this.delay = delay;
        this.retryAfterSecs = retryAfterSecs;
        this.inProgress = inProgress;
    }

    @Override
    public boolean offer(DatagramQueuedMessageDispatch dispatch) {
        DatagramPacket packet = dispatch.packet;
        byte[] data = packet.getData();
        int offset = packet.getOffset();
        int length = packet.getLength();
        int toTag = StatelessRefusal.toTag(data, offset, length);
        if (toTag >= 0 && StatelessRefusal.isRefusalTag(data, toTag, offset + length)) {
            if (StatelessRefusal.isAck(data, offset, length)) {
                return true; // the ACK of our own 503: nothing to do
            }
            StatelessRefusal.Reply noDialog = StatelessRefusal.noDialog(data, offset, length);
            if (noDialog != null) {
                send(noDialog, packet);
                answeredNoDialog.increment();
                return true;
            }
        }
        // A response or a request inside a dialog (ACK, BYE, re-INVITE...) belongs to a call in progress: first lane.
        boolean callInProgress = toTag >= 0 || StatelessRefusal.isResponse(data, offset, length);
        InetAddress source = packet.getAddress();
        int held = shares.held(source);
        boolean invite = StatelessRefusal.isInvite(data, offset, length);
        String newInvite = invite && !callInProgress ? StatelessRefusal.branch(data, offset, length) : null;
        if (newInvite != null && queuedInvites.contains(newInvite)) {
            // Whatever the load: its first copy will be served or refused, and the caller hears from that.
            drops.retransmission(source, held, size());
            return true;
        }
        long waited = oldestWaitMillis();
        if (delay.exceeded(waited)) {
            int queued = size();
            String branch = newInvite != null ? newInvite : invite ? StatelessRefusal.branch(data, offset, length) : null;
            if (branch != null && inProgress.test(branch)) {
                drops.retransmission(source, held, queued);
                return true; // its transaction goes on, and answers a later copy if the caller still needs one
            }
            if (invite && shares.holdsLessThanShare(held, queued)) {
                return queued(dispatch, source, held, false, newInvite); // a new call from a source that is not the cause
            }
            StatelessRefusal.Reply refusal = invite ? StatelessRefusal.overloaded(data, offset, length, retryAfterSecs) : null;
            if (refusal != null) {
                send(refusal, packet);
                report.refused(refusal.callId(), waited, delay.limitMillis());
                return true;
            }
            if (shares.holdsMoreThanShare(held, queued)) {
                drops.aboveShare(source, held, queued);
                return true;
            }
        }
        return queued(dispatch, source, held, callInProgress, newInvite);
    }

    /**
     * Queues {@code dispatch}, in the first lane if it belongs to a call in progress, unless its source is at the cap
     * (read, not locked: readers at once may pass it by one each).
     *
     * @param newInvite the branch of a new INVITE, remembered until a SIP thread takes it; else {@code null}
     */
    private boolean queued(DatagramQueuedMessageDispatch dispatch, InetAddress source, int held, boolean callInProgress,
            String newInvite) {
        if (held >= MAX_QUEUED_PER_SOURCE) {
            drops.overCap(source, held, size());
            return true;
        }
        shares.added(source); // before it can be taken, so that its taking finds it counted
        if (newInvite != null) {
            queuedInvites.add(newInvite);
        }
        return offer(dispatch, callInProgress);
    }

    /* The SIP threads take with take() or poll(timeout) (jain-sip-ri 1.3.0-32's UDPMessageChannel); the stack's
       congestion auditor, when on, with poll(). Each datagram leaving the queue leaves its source's count. */

    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        return left(super.take());
    }

    @Override
    public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        return left(super.poll(timeout, unit));
    }

    @Override
    public DatagramQueuedMessageDispatch poll() {
        return left(super.poll());
    }

    @Override
    public boolean remove(Object o) {
        boolean removed = super.remove(o);
        if (removed && o instanceof DatagramQueuedMessageDispatch dispatch) {
            left(dispatch);
        }
        return removed;
    }

    @Override
    public void clear() {
        super.clear();
        shares.clear();
        queuedInvites.clear();
    }

    private DatagramQueuedMessageDispatch left(DatagramQueuedMessageDispatch dispatch) {
        if (dispatch != null) {
            DatagramPacket packet = dispatch.packet;
            shares.taken(packet.getAddress());
            byte[] data = packet.getData();
            int offset = packet.getOffset();
            int length = packet.getLength();
            if (!queuedInvites.isEmpty() && StatelessRefusal.isInvite(data, offset, length)
                    && StatelessRefusal.toTag(data, offset, length) < 0) {
                String branch = StatelessRefusal.branch(data, offset, length);
                if (branch != null) {
                    queuedInvites.remove(branch); // the stack's to match from now on
                }
            }
        }
        return dispatch;
    }

    /** How long the oldest datagram still waiting, in either lane, has waited, in ms (0 when none waits). */
    long oldestWaitMillis() {
        if (isEmpty()) {
            return 0; // a count read, before two peeks: at the rates that matter most datagrams find none waiting
        }
        long oldest = oldest(QueuedMessageDispatchBase::getReceptionTime);
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }

    /** The same of any UDP listener's queue: jain-sip stamps each datagram with the time it read it. */
    static long oldestWaitMillis(Queue<?> queue) {
        if (queue instanceof AdmittingQueue admitting) {
            return admitting.oldestWaitMillis();
        }
        if (queue.isEmpty()) {
            return 0;
        }
        return queue.peek() instanceof QueuedMessageDispatchBase oldest
                ? Math.max(0, System.currentTimeMillis() - oldest.getReceptionTime())
                : 0;
    }

    /**
     * Whether a new call from {@code source} would be admitted while overloaded: it holds less than its share of the
     * queue. {@link AdmissionValve} asks, so that what the door admitted is not refused once parsed.
     */
    boolean admitsNewCallFrom(InetAddress source) {
        return source != null && shares.holdsLessThanShare(shares.held(source), size());
    }

    /** How many datagrams from {@code source} are queued. */
    int queuedFrom(InetAddress source) {
        return shares.held(source);
    }

    /** How many sources have something queued. */
    int sources() {
        return shares.sources();
    }

    /** How many new INVITEs were refused here. */
    long refused() {
        return report.count();
    }

    /** How many requests in the dialog of one of our 503s were answered 481 here. */
    long answeredNoDialog() {
        return answeredNoDialog.sum();
    }

    /** How many datagrams were dropped here for their source's sake (above its share, or at the cap). */
    long dropped() {
        return drops.count();
    }

    private void send(StatelessRefusal.Reply refusal, DatagramPacket to) {
        try {
            socket.send(new DatagramPacket(refusal.bytes(), refusal.bytes().length, to.getSocketAddress()));
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "call-id=" + refusal.callId() + " reply not sent: " + e);
        }
    }
}
