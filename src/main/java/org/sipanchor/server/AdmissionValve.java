package org.sipanchor.server;

import java.lang.reflect.Field;
import java.text.ParseException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

/**
 * Admission control in the SIP stack (RFC 6357): past capacity a new INVITE gets 503 with Retry-After at once, from the
 * thread that parsed it, before any transaction, servlet or RTPEngine request exists; everything else goes on.
 *
 * <p>Capacity is measured where overload shows first: how long datagrams wait in the stack's UDP queue for a SIP
 * thread. That queue only grows when every SIP thread is busy, and each message in it (the BYEs and ACKs of calls in
 * progress too) waits behind all the others. The measure is the age of the oldest datagram still waiting, which the
 * stack stamps when it reads one off the socket: it is the wait itself, not an estimate, so it needs no rate (a rate
 * measured over a quiet second made the first burst after it look like overload). While it stays past
 * {@code sip.admission.max_queue_delay_ms} ({@link SustainedDelay}: a collection's pause alone does not count) a new
 * call would only make every call slower, so it is refused, cheaply (one reply, no state). An INVITE with a To tag
 * (a re-INVITE), every other method, and every response go on whatever the load, so calls in progress keep being
 * served; so does an INVITE whose transaction the stack has already (a retransmission: refusing it would make the
 * caller give up a call that the callee may still answer). Over UDP most refusals happen earlier still, before parsing ({@link AdmittingQueue}), and only to the
 * sources holding their share of the queue or more: an INVITE from any other source is admitted here as well.
 *
 * <p>The 503's To tag marks it as this valve's, so that its ACK is absorbed here too, and any other request with that
 * To tag (SIPp answers a 503 with a BYE) is answered 481 here rather than left to the container, which matches no
 * application to it and logs a stack trace. Refusals are logged once per ten seconds, with their count, not once
 * per INVITE. Read by the SIP stack from
 * {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}; its limits come from the stack properties {@link #MAX_DELAY_PROPERTY}
 * and {@link #RETRY_AFTER_PROPERTY}, which the launcher writes from {@code sip.admission}.
 */
public final class AdmissionValve implements SIPMessageValve {

    /** The stack property with {@code sip.admission.max_queue_delay_ms} (the stack makes valves with no arguments). */
    static final String MAX_DELAY_PROPERTY = "org.sipanchor.ADMISSION_MAX_QUEUE_DELAY_MS";
    /** The stack property with {@code sip.admission.retry_after_secs}. */
    static final String RETRY_AFTER_PROPERTY = "org.sipanchor.ADMISSION_RETRY_AFTER_SECS";
    /** The To tag of every 503 this valve sends, so that the caller's ACK of it is known. */
    static final String TAG_PREFIX = "sa-overload-";
    private static final Logger LOG = Logger.getLogger(AdmissionValve.class.getName());

    private long maxDelayMillis;
    private volatile LongSupplier clockMillis = System::currentTimeMillis;
    private volatile SustainedDelay delay;
    private int retryAfterSecs;
    /** The wait, once known: the stack's UDP queues (resolved on the first INVITE), or what a test measures. */
    private volatile LongSupplier oldestWait;
    private final RefusalReport report = new RefusalReport("after parsing");
    private final Map<UDPMessageProcessor, Queue<?>> queues = new ConcurrentHashMap<>();
    private volatile SIPTransactionStack stack;

    /** As the SIP stack makes it: the defaults of {@code sip.admission} until {@link #init} reads the stack's properties. */
    public AdmissionValve() {
        this(org.sipanchor.config.SipAdmission.DEFAULTS.maxQueueDelay().toMillis(),
                (int) org.sipanchor.config.SipAdmission.DEFAULTS.retryAfter().toSeconds());
    }

    AdmissionValve(long maxDelayMillis, int retryAfterSecs) {
        this.maxDelayMillis = maxDelayMillis;
        this.delay = new SustainedDelay(maxDelayMillis, clockMillis);
        this.retryAfterSecs = retryAfterSecs;
    }

    /**
     * Takes the wait from {@code oldestWaitMillis} (how long the oldest waiting message has waited) instead of the
     * stack, and the time from {@code clockMillis}.
     */
    AdmissionValve measuring(LongSupplier oldestWaitMillis, LongSupplier clockMillis) {
        this.oldestWait = oldestWaitMillis;
        this.clockMillis = clockMillis;
        this.delay = new SustainedDelay(maxDelayMillis, clockMillis);
        return this;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        String method = request.getMethod();
        String toTag = request.getToTag();
        if (toTag != null && toTag.startsWith(TAG_PREFIX)) {
            if (!"ACK".equals(method)) { // the ACK of our own 503 needs nothing; a request in its "dialog" gets 481
                reply(request, channel, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Call/Transaction Does Not Exist",
                        false);
            }
            return false;
        }
        if (!"INVITE".equals(method) || toTag != null) {
            return true;
        }
        long waitMillis = oldestWait(channel).getAsLong();
        if (!delay.exceeded(waitMillis) || admittedAtTheDoor(channel) || inProgress(stack, request.getTransactionId())) {
            return true;
        }
        refuse(request, channel, waitMillis);
        return false;
    }

    /**
     * Whether {@code stack} serves a transaction with this id already, or has one pending (read by a SIP thread, not yet
     * matched): a request with it is a retransmission, which the transaction absorbs.
     */
    static boolean inProgress(SIPTransactionStack stack, String transactionId) {
        return stack != null && transactionId != null
                && (stack.findTransaction(transactionId, true) != null || stack.findPendingTransaction(transactionId) != null);
    }

    /**
     * Whether the UDP listener's {@link AdmittingQueue} admits a new call from this INVITE's source while overloaded
     * (it holds less than its share of the queue): the same rule at both doors, so that a call from a source that is
     * not the cause of the overload, admitted before parsing, is not refused after.
     */
    private boolean admittedAtTheDoor(MessageChannel channel) {
        return oldestWait == null && channel != null
                && channel.getMessageProcessor() instanceof UDPMessageProcessor udp
                && queues.get(udp) instanceof AdmittingQueue admitting
                && admitting.admitsNewCallFrom(channel.getPeerPacketSourceAddress());
    }

    /** How many 503s this valve has sent. */
    long refused() {
        return report.count();
    }

    private void refuse(SIPRequest request, MessageChannel channel, long waitMillis) {
        reply(request, channel, Response.SERVICE_UNAVAILABLE, "Overloaded", true);
        report.refused(request.getCallId().getCallId(), waitMillis, maxDelayMillis);
    }

    /** Sends {@code status} statelessly; a 503 ({@code overload}) gets a To tag of ours and Retry-After. */
    private void reply(SIPRequest request, MessageChannel channel, int status, String reason, boolean overload) {
        try {
            SIPResponse reply = request.createResponse(status, reason);
            if (overload) {
                reply.getTo().setTag(TAG_PREFIX + Long.toHexString(System.nanoTime()));
                RetryAfter retryAfter = new RetryAfter();
                retryAfter.setRetryAfter(retryAfterSecs);
                reply.setHeader(retryAfter);
            }
            channel.sendMessage(reply);
        } catch (java.io.IOException | ParseException | javax.sip.InvalidArgumentException | RuntimeException e) {
            LOG.fine(() -> "call-id=" + request.getCallId().getCallId() + " " + status + " not sent: " + e);
        }
    }

    /**
     * How long the oldest datagram waiting in the UDP listener the INVITE came by has waited (a stream transport has no
     * such queue: its connections each have a thread), or what a test measures.
     */
    private LongSupplier oldestWait(MessageChannel channel) {
        LongSupplier measured = oldestWait;
        if (measured != null) {
            return measured;
        }
        if (channel == null || !(channel.getMessageProcessor() instanceof UDPMessageProcessor udp)) {
            return () -> 0;
        }
        Queue<?> queue = queues.computeIfAbsent(udp, AdmissionValve::queueOf);
        return () -> AdmittingQueue.oldestWaitMillis(queue);
    }

    /**
     * jain-sip-ri 1.3.0-32 keeps a UDP listener's read-but-unprocessed datagrams in a protected field, each stamped with
     * the time it was read.
     */
    private static Queue<?> queueOf(UDPMessageProcessor processor) {
        try {
            Field field = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            field.setAccessible(true);
            Queue<?> queue = (Queue<?>) field.get(processor);
            if (queue != null) {
                return queue;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("admission control cannot read the SIP stack's UDP queue (" + e + "): new calls are never refused");
        }
        return new ArrayDeque<>();
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void init(SipStack sipStack) {
        if (sipStack instanceof SIPTransactionStack transactions) {
            stack = transactions;
        }
        if (sipStack instanceof gov.nist.javax.sip.SipStackImpl configured) {
            java.util.Properties properties = configured.getConfigurationProperties();
            maxDelayMillis = Long.parseLong(properties.getProperty(MAX_DELAY_PROPERTY, Long.toString(maxDelayMillis)));
            delay = new SustainedDelay(maxDelayMillis, clockMillis);
            retryAfterSecs = Integer.parseInt(properties.getProperty(RETRY_AFTER_PROPERTY, Integer.toString(retryAfterSecs)));
        }
    }

    @Override
    public void destroy() {
        queues.clear();
    }
}
