package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.Queue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Logger;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.QueuedMessageDispatchBase;

/**
 * The queue between a UDP listener's reader thread and the SIP threads, refusing new calls at its door while its
 * oldest datagram has waited past {@code sip.admission.max_queue_delay_ms} for a while ({@link SustainedDelay}): a
 * new INVITE then gets a {@link StatelessRefusal} from the reader thread, never parsed, never queued, and the ACK of
 * such a 503 is dropped the same way. Everything else (the messages of calls in progress) is queued as the stack would.
 *
 * <p>This is the cheap half of admission control: refusing through the stack (parse, reply, the ACK parsed too)
 * took SIP threads from the admitted calls for every INVITE of a flood.
 * {@link AdmissionValve} still checks each new INVITE when a SIP thread takes it, for those that came by TCP or were
 * queued before the wait grew.
 */
final class AdmittingQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(AdmittingQueue.class.getName());

    private final transient DatagramSocket socket;
    private final transient SustainedDelay delay;
    private final int retryAfterSecs;
    private final transient RefusalReport report = new RefusalReport("before parsing");

    /** @param socket the listener's own socket, which the refusals leave by */
    AdmittingQueue(DatagramSocket socket, long maxDelayMillis, int retryAfterSecs) {
        this(socket, new SustainedDelay(maxDelayMillis), retryAfterSecs);
    }

    AdmittingQueue(DatagramSocket socket, SustainedDelay delay, int retryAfterSecs) {
        this.socket = socket;
        this.delay = delay;
        this.retryAfterSecs = retryAfterSecs;
    }

    @Override
    public boolean offer(DatagramQueuedMessageDispatch dispatch) {
        long waited = oldestWaitMillis();
        if (delay.exceeded(waited)) {
            DatagramPacket packet = dispatch.packet;
            byte[] data = packet.getData();
            if (StatelessRefusal.isAckOfRefusal(data, packet.getOffset(), packet.getLength())) {
                return true; // the ACK of our own 503: nothing to do
            }
            StatelessRefusal.Reply refusal = StatelessRefusal.of(data, packet.getOffset(), packet.getLength(), retryAfterSecs);
            if (refusal != null) {
                send(refusal, packet);
                report.refused(refusal.callId(), waited, delay.limitMillis());
                return true;
            }
        }
        return super.offer(dispatch);
    }

    /** How long the oldest datagram still waiting has waited, in ms (0 when none waits). */
    long oldestWaitMillis() {
        return oldestWaitMillis(this);
    }

    /** The same of any UDP listener's queue: jain-sip stamps each datagram with the time it read it. */
    static long oldestWaitMillis(Queue<?> queue) {
        if (queue.isEmpty()) {
            return 0; // a count read, where peek() takes the lock the SIP threads take from: most datagrams find none
        }
        return queue.peek() instanceof QueuedMessageDispatchBase oldest
                ? Math.max(0, System.currentTimeMillis() - oldest.getReceptionTime())
                : 0;
    }

    /** How many new INVITEs were refused here. */
    long refused() {
        return report.count();
    }

    private void send(StatelessRefusal.Reply refusal, DatagramPacket to) {
        try {
            socket.send(new DatagramPacket(refusal.bytes(), refusal.bytes().length, to.getSocketAddress()));
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "call-id=" + refusal.callId() + " 503 (overload) not sent: " + e);
        }
    }
}
