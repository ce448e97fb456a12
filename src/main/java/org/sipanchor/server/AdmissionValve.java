package org.sipanchor.server;

import java.lang.reflect.Field;
import java.text.ParseException;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

/**
 * Admission control in the SIP stack (RFC 6357): past capacity a new INVITE gets 503 with Retry-After at once, from the
 * thread that parsed it, before any transaction, servlet or RTPEngine request exists; everything else goes on.
 *
 * <p>Capacity is measured where overload shows first: the time a datagram waits in the stack's UDP queue for a SIP
 * thread. That queue only grows when every SIP thread is busy, and each message in it (the BYEs and ACKs of calls in
 * progress too) waits behind all the others. The wait is estimated as the queue's length over the rate the SIP
 * threads took messages in the last second (every message passes this valve, so it counts them): a length alone would
 * mean 30 ms on one machine and 300 ms on another, and would refuse calls after every young collection. Past
 * {@code sip.admission.max_queue_delay_ms} a new call would only make every call slower, so it is refused, cheaply
 * (one reply, no state). An INVITE with a To tag (a re-INVITE),
 * every other method, and every response go on whatever the load, so calls in progress keep being served.
 *
 * <p>The 503's To tag marks it as this valve's, so that its ACK is absorbed here too. Refusals are logged once per
 * {@link #LOG_INTERVAL_NANOS}, with their count, not once per INVITE. Read by the SIP stack from
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
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** A few messages waiting is a burst, whatever the rate: all the SIP threads were busy for an instant. */
    static final int MIN_QUEUED = 16;
    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;
    private static final Logger LOG = Logger.getLogger(AdmissionValve.class.getName());

    private long maxDelayMillis;
    private int retryAfterSecs;
    /** Every message the stack handed to this valve: the SIP threads' drain rate. */
    private final AtomicLong handled = new AtomicLong();
    private long windowStartNanos = System.nanoTime();
    private long windowStartCount;
    private volatile double drainPerSecond;
    private volatile java.util.function.DoubleSupplier drainRate = this::measuredDrainRate;
    /** The backlog, once known: the stack's UDP queues (resolved on the first INVITE), or what a test measures. */
    private volatile IntSupplier backlog;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private volatile long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
    private final java.util.Map<UDPMessageProcessor, Queue<?>> queues = new java.util.concurrent.ConcurrentHashMap<>();

    /** As the SIP stack makes it: the defaults of {@code sip.admission} until {@link #init} reads the stack's properties. */
    public AdmissionValve() {
        this(org.sipanchor.config.SipAdmission.DEFAULTS.maxQueueDelay().toMillis(),
                (int) org.sipanchor.config.SipAdmission.DEFAULTS.retryAfter().toSeconds());
    }

    AdmissionValve(long maxDelayMillis, int retryAfterSecs) {
        this.maxDelayMillis = maxDelayMillis;
        this.retryAfterSecs = retryAfterSecs;
    }

    /** Measures the queue with {@code backlog} and the SIP threads' rate with {@code drainRate} (messages a second). */
    AdmissionValve measuring(IntSupplier backlog, java.util.function.DoubleSupplier drainRate) {
        this.backlog = backlog;
        this.drainRate = drainRate;
        return this;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        handled.incrementAndGet();
        String method = request.getMethod();
        if ("ACK".equals(method)) {
            String toTag = request.getToTag();
            return toTag == null || !toTag.startsWith(TAG_PREFIX); // the ACK of our own 503: nothing to do
        }
        if (!"INVITE".equals(method) || request.getToTag() != null) {
            return true;
        }
        int queued = backlog(channel).getAsInt();
        if (queued <= MIN_QUEUED) {
            return true;
        }
        long waitMillis = (long) (queued * 1000.0 / Math.max(1.0, drainRate.getAsDouble()));
        if (waitMillis <= maxDelayMillis) {
            return true;
        }
        refuse(request, channel, queued, waitMillis);
        return false;
    }

    /** Messages a second the SIP threads took over the last whole second (updated at most once a second). */
    private double measuredDrainRate() {
        long now = System.nanoTime();
        synchronized (handled) {
            long elapsed = now - windowStartNanos;
            if (elapsed >= RATE_WINDOW_NANOS) {
                long count = handled.get();
                drainPerSecond = (count - windowStartCount) * 1e9 / elapsed;
                windowStartNanos = now;
                windowStartCount = count;
            }
        }
        return drainPerSecond;
    }

    /** How many 503s this valve has sent. */
    long refused() {
        return refused.get();
    }

    private void refuse(SIPRequest request, MessageChannel channel, int queued, long waitMillis) {
        refused.incrementAndGet();
        try {
            SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Overloaded");
            busy.getTo().setTag(TAG_PREFIX + Long.toHexString(System.nanoTime()));
            RetryAfter retryAfter = new RetryAfter();
            retryAfter.setRetryAfter(retryAfterSecs);
            busy.setHeader(retryAfter);
            channel.sendMessage(busy);
        } catch (java.io.IOException | ParseException | javax.sip.InvalidArgumentException | RuntimeException e) {
            LOG.fine(() -> "call-id=" + request.getCallId().getCallId() + " 503 (overload) not sent: " + e);
        }
        long count = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            lastLogNanos = now;
            long total = refusedSinceLog.getAndSet(0);
            LOG.warning(() -> "overloaded: " + total + " new INVITEs refused with 503 since the last report ("
                    + queued + " messages waiting about " + waitMillis + " ms for a SIP thread, limit "
                    + "sip.admission.max_queue_delay_ms " + maxDelayMillis + "); calls in progress are served; e.g. call-id="
                    + request.getCallId().getCallId());
        } else if (count == 1) {
            LOG.fine(() -> "call-id=" + request.getCallId().getCallId() + " refused: overloaded");
        }
    }

    /**
     * Datagrams waiting in the UDP listener the INVITE came by (a stream transport has no such queue: its connections
     * each have a thread), or what a test measures.
     */
    private IntSupplier backlog(MessageChannel channel) {
        IntSupplier measured = backlog;
        if (measured != null) {
            return measured;
        }
        if (channel == null || !(channel.getMessageProcessor() instanceof UDPMessageProcessor udp)) {
            return () -> 0;
        }
        Queue<?> queue = queues.computeIfAbsent(udp, AdmissionValve::queueOf);
        return queue::size;
    }

    /** jain-sip-ri 1.3.0-32 keeps a UDP listener's read-but-unprocessed datagrams in a protected field. */
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
        return new java.util.ArrayDeque<>();
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        handled.incrementAndGet();
        return true;
    }

    @Override
    public void init(SipStack sipStack) {
        if (sipStack instanceof gov.nist.javax.sip.SipStackImpl configured) {
            java.util.Properties properties = configured.getConfigurationProperties();
            maxDelayMillis = Long.parseLong(properties.getProperty(MAX_DELAY_PROPERTY, Long.toString(maxDelayMillis)));
            retryAfterSecs = Integer.parseInt(properties.getProperty(RETRY_AFTER_PROPERTY, Integer.toString(retryAfterSecs)));
        }
    }

    @Override
    public void destroy() {
        queues.clear();
    }
}
