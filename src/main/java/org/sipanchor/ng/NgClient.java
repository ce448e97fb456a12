package org.sipanchor.ng;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.sipanchor.net.ReportInterval;

/**
 * A client for one RTPEngine instance's NG control port.
 *
 * <pre>{@code
 * NgClient client = NgClient.builder()
 *         .address(new InetSocketAddress("127.0.0.1", 22222))
 *         .transport(NgTransportKind.UDP)         // or TCP (--listen-tcp-ng)
 *         .timeout(Duration.ofMillis(1000))       // per request, retransmissions included
 *         .maxInFlight(256)
 *         .build();
 *
 * NgReply reply = client.execute(offer);          // blocking; throws a typed NgException
 * client.send(delete).whenComplete((r, e) -> ...); // asynchronous
 * }</pre>
 *
 * <p>What it guarantees:
 * <ul>
 *   <li><b>Cookies</b> no other client, process or restart repeats ({@link NgCookieGenerator}); RTPEngine's reply
 *       cache is keyed by cookie alone, so a collision would hand one call another call's reply.</li>
 *   <li><b>Retransmission</b> (UDP): the same datagram, same cookie, after 50 ms then doubling up to every 100 ms
 *       (longer when the measured round trip calls for it), until the timeout: about ten transmissions in a second. RTPEngine answers a repeated cookie from its
 *       reply cache, so a lost reply costs a retransmission, not a call, and nothing is done twice.</li>
 *   <li><b>Matching</b> by cookie and source address; replies from elsewhere, unknown cookies, duplicates and late
 *       replies are dropped and reported to the {@link NgClientListener}.</li>
 *   <li><b>Bounded</b>: at most {@code maxInFlight} requests; beyond that {@link NgOverloadException} at once, never
 *       a queue. Every request ends by its timeout: {@link NgTimeoutException} within {@code timeout} plus timer
 *       jitter. Malformed replies end in {@link NgProtocolException}, never a hang.</li>
 *   <li><b>Typed outcomes</b>: the future completes normally for {@code ok} (warning inside the reply) and
 *       {@code pong}; exceptionally with {@link NgErrorException} for {@code error} and {@link NgLoadLimitException}
 *       for {@code load limit} ({@link NgErrorException#isCapacityRefusal()} for "try another instance").</li>
 * </ul>
 *
 * <p>Threads: UDP uses one receiver thread (the socket is opened by {@link Builder#build()}), TCP one selector thread
 * (the connection is made with the first request); retransmissions and timeouts of all clients share one timer
 * thread. By default futures complete on those threads, so that a reply costs no thread
 * hand-off (it halves the client's CPU per request): dependent stages that are not {@code *Async} run there too, and
 * must not block. Blocking work belongs in {@code thenApplyAsync(fn, executor)} or behind
 * {@link Builder#callbackExecutor(Executor)}. Two guards: {@link #execute} refuses to run on an ng thread (it would
 * wait for a reply that only that thread can read), and a completion that holds the thread longer than
 * 100 ms is logged as a warning.
 */
public final class NgClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NgClient.class.getName());

    /**
     * A completion running longer than this on an ng thread is reported: other replies wait meanwhile. Wall time, so
     * an overloaded host can trigger it too; high enough that ordinary scheduling delays do not.
     */
    private static final long SLOW_CALLBACK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Extra wait of {@link #execute} beyond the timeout, in case the timer thread itself is starved. */
    private static final long EXECUTE_SAFETY_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final InetSocketAddress address;
    private final NgTransportKind kind;
    private final Duration defaultTimeout;
    private final int maxInFlight;
    private final NgClientListener listener;
    private final long retransmitInitialNanos;
    private final long retransmitMaxNanos;
    private final Executor callbackExecutor;
    private final Bencode.Limits replyLimits;
    private final NgTransport transport;
    private final NgCookieGenerator cookies = new NgCookieGenerator();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReportInterval slowCallbackReports = new ReportInterval();
    private volatile boolean closed;

    // Round-trip estimate (RFC 6298 style), written by the single I/O reader thread only.
    private long srttNanos = -1;
    private long rttvarNanos;
    private volatile long rtoNanos;

    private NgClient(Builder b) throws IOException {
        this.address = b.address;
        this.kind = b.transport;
        this.defaultTimeout = b.timeout;
        this.maxInFlight = b.maxInFlight;
        this.listener = new SafeListener(b.listener);
        this.retransmitInitialNanos = b.retransmitInitial.toNanos();
        this.retransmitMaxNanos = b.retransmitMax.toNanos();
        this.rtoNanos = retransmitInitialNanos;
        this.callbackExecutor = b.callbackExecutor;
        this.replyLimits = b.replyLimits;
        this.transport = kind == NgTransportKind.UDP
                ? new UdpTransport(address, b.localAddress)
                : new TcpTransport(address, (int) Math.max(1, b.connectTimeout.toMillis()), replyLimits);
        transport.start(new Sink());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The RTPEngine instance this client talks to. */
    public InetSocketAddress address() {
        return address;
    }

    public NgTransportKind transport() {
        return kind;
    }

    /** Requests sent and not yet completed. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Sends with the client's default timeout; see {@link #send(NgRequest, Duration)}. */
    public CompletableFuture<NgReply> send(NgRequest request) {
        return send(request, defaultTimeout);
    }

    /**
     * Sends a request and returns at once. The future completes with the reply for {@code ok} and {@code pong}, or
     * exceptionally with an {@link NgException} subclass; always by {@code timeout} (plus timer jitter). What the
     * client refuses itself (too large for the transport, a non-positive timeout, too many in flight, closed) fails
     * the future before this returns, with an {@link NgRefusedException} naming the {@link NgRefusedException.Kind}.
     */
    public CompletableFuture<NgReply> send(NgRequest request, Duration timeout) {
        CompletableFuture<NgReply> future = new CompletableFuture<>();
        submit(request, timeout, future, false);
        return future;
    }

    /** Blocking form of {@link #send(NgRequest)}. */
    public NgReply execute(NgRequest request) throws NgException {
        return execute(request, defaultTimeout);
    }

    /**
     * Sends a request and waits for the outcome: the reply for {@code ok} and {@code pong}, else the typed
     * {@link NgException}. Waits at most {@code timeout} (plus timer jitter).
     */
    public NgReply execute(NgRequest request, Duration timeout) throws NgException {
        if (Thread.currentThread() instanceof NgIoThread) {
            throw new IllegalStateException("execute() called on NG thread " + Thread.currentThread().getName()
                    + ", which would wait for a reply only it can read: use send(), or complete callbacks on an"
                    + " executor (callbackExecutor, thenApplyAsync)");
        }
        CompletableFuture<NgReply> future = new CompletableFuture<>();
        Pending p = submit(request, timeout, future, true);
        try {
            return future.get(timeout.toNanos() + EXECUTE_SAFETY_MARGIN_NANOS, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NgException ng) {
                throw ng;
            }
            throw new NgTransportException(address, request.command(), request.callId().orElse(null),
                    "unexpected failure: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(p);
            throw new NgInterruptedException(address, request.command(), request.callId().orElse(null), e);
        } catch (TimeoutException e) {
            abandon(p);
            throw new NgTimeoutException(address, request.command(), request.callId().orElse(null), timeout,
                    p == null ? 0 : p.transmissions);
        }
    }

    /**
     * Closes the socket and stops the client's threads; requests in flight fail with {@link NgClosedException}, and
     * so does every later send.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        transport.close();
        for (Pending p : pending.values()) {
            if (settle(p)) {
                fail(p, new NgClosedException(address, p.command(), p.callId()));
            }
        }
    }

    @Override
    public String toString() {
        return "NgClient[" + kind + " " + NgException.hostAndPort(address) + "]";
    }

    // ------------------------------------------------------------------ sending

    private Pending submit(NgRequest request, Duration timeout, CompletableFuture<NgReply> future, boolean direct) {
        Objects.requireNonNull(request, "request");
        String callId = request.callId().orElse(null);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            // A refusal like the others below, so that the caller's future fails at once rather than its thread
            // getting an exception it may not expect from an asynchronous call.
            future.completeExceptionally(new NgRefusedException(address, request.command(), callId,
                    NgRefusedException.Kind.INVALID, "not sent: timeout must be positive, not " + timeout, null));
            return null;
        }
        if (closed) {
            future.completeExceptionally(new NgClosedException(address, request.command(), callId));
            return null;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            future.completeExceptionally(new NgOverloadException(address, request.command(), callId, maxInFlight));
            return null;
        }
        long id = cookies.nextId();
        byte[] wire = cookies.message(id, request.payload());
        long now = System.nanoTime();
        Pending p = new Pending(id, request, wire, future, direct, now, timeout);
        if (wire.length > transport.maxMessageLength()) {
            inFlight.decrementAndGet();
            // Refused before sending: the request's fault, not the instance's, and the same on every instance.
            future.completeExceptionally(new NgRefusedException(address, request.command(), callId,
                    NgRefusedException.Kind.TOO_LARGE, "not sent: message of " + wire.length + " bytes exceeds the "
                    + kind + " limit of " + transport.maxMessageLength() + " bytes"
                    + (kind == NgTransportKind.UDP ? " (use TCP)" : ""), null));
            return null;
        }
        p.interval = transport.retransmits() ? rtoNanos : p.timeoutNanos;
        try {
            // In the map before the bytes leave, or a quick reply would find no request to complete.
            transport.send(wire, () -> {
                pending.put(id, p);
                p.registered = true;
            });
        } catch (IOException e) {
            if (!p.registered) {
                inFlight.decrementAndGet(); // never in the map, so nothing else can settle it
            } else if (!settle(p)) {
                return p; // a reply or close() settled it first
            }
            fail(p, new NgTransportException(address, request.command(), callId, "send failed: " + e, e));
            return p;
        }
        if (closed && settle(p)) {
            // close() ran between the check above and the registration: it may not have seen this request.
            fail(p, new NgClosedException(address, request.command(), callId));
            return p;
        }
        schedule(p, Math.min(p.interval, p.timeoutNanos));
        listener.onSent(request.command());
        return p;
    }

    private void schedule(Pending p, long delayNanos) {
        NgTimer.SHARED.schedule(() -> onTimer(p), delayNanos);
    }

    private void onTimer(Pending p) {
        if (pending.get(p.id) != p) {
            return; // completed meanwhile
        }
        long remaining = p.deadlineNanos - System.nanoTime();
        // Below a millisecond the next timer tick would overshoot anyway.
        if (remaining < TimeUnit.MILLISECONDS.toNanos(1)) {
            if (settle(p)) {
                listener.onTimeout(p.command());
                fail(p, new NgTimeoutException(address, p.command(), p.callId(), p.timeout, p.transmissions));
            }
            return;
        }
        if (transport.retransmits()) {
            // Counted before it leaves: its reply may be handled before this thread runs on, and that reply must
            // see the retransmission (Karn's rule takes no round-trip sample from it; listeners see it counted).
            p.transmissions++;
            listener.onRetransmit(p.command());
            try {
                transport.resend(p.wire);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "retransmission to " + address + " failed", e);
            }
            p.interval = Math.min(p.interval * 2, Math.max(retransmitMaxNanos, rtoNanos));
            schedule(p, Math.min(p.interval, remaining));
        } else {
            schedule(p, remaining);
        }
    }

    /** Gives up a request whose caller stopped waiting. */
    private void abandon(Pending p) {
        if (p != null) {
            settle(p);
        }
    }

    /**
     * Takes {@code p} out of the map and frees its slot in {@code inFlight}, unless that was done already. The reply,
     * the timer, close(), a failed connect and an abandoning caller may race for the same request: only the one that
     * gets true completes it, so each request is counted out exactly once. Its timer then finds it gone and stops.
     */
    private boolean settle(Pending p) {
        if (!pending.remove(p.id, p)) {
            return false;
        }
        inFlight.decrementAndGet();
        return true;
    }

    // ------------------------------------------------------------------ receiving

    private final class Sink implements NgTransport.Sink {

        @Override
        public void onMessage(byte[] buf, int offset, int length, InetSocketAddress source) {
            long now = System.nanoTime();
            if (!address.equals(source)) {
                listener.onStrayReply(NgClientListener.StrayReason.WRONG_ADDRESS);
                return;
            }
            int space = NgTransport.cookieEnd(buf, offset, length);
            if (space <= offset) {
                listener.onStrayReply(NgClientListener.StrayReason.MALFORMED);
                return;
            }
            int bodyOffset = space + 1;
            int bodyLength = offset + length - bodyOffset;
            long id = cookies.parse(buf, offset, space - offset);
            if (id < 0) {
                notificationOrStray(buf, bodyOffset, bodyLength);
                return;
            }
            Pending p = pending.get(id);
            if (p == null || !settle(p)) {
                listener.onStrayReply(NgClientListener.StrayReason.DUPLICATE);
                return;
            }
            NgReply reply;
            try {
                reply = NgReply.of(Bencode.decodeDictionaryLazily(buf, bodyOffset, bodyLength, replyLimits));
            } catch (BencodeException | IllegalArgumentException e) {
                listener.onProtocolError(p.command());
                fail(p, new NgProtocolException(address, p.command(), p.callId(), e.getMessage(), e));
                return;
            }
            long latency = now - p.startNanos;
            if (p.transmissions == 1) {
                sampleRoundTrip(latency); // Karn: a retransmitted request's reply could answer either copy
            }
            listener.onReply(p.command(), reply.result(), latency);
            switch (reply.result()) {
                case OK, PONG -> complete(p, reply);
                case ERROR -> fail(p, new NgErrorException(address, p.command(), p.callId(), reply));
                case LOAD_LIMIT -> fail(p, new NgLoadLimitException(address, p.command(), p.callId(), reply));
                default -> throw new IllegalStateException(reply.result().toString());
            }
        }

        private void notificationOrStray(byte[] buf, int bodyOffset, int bodyLength) {
            try {
                Map<String, Object> d = Bencode.decodeDictionary(buf, bodyOffset, bodyLength, replyLimits);
                if (d.get("notify") instanceof byte[] name) {
                    Map<String, Object> data = d.get("data") instanceof Map<?, ?> m ? castMap(m) : Map.of();
                    listener.onNotification(new NgNotification(new String(name, StandardCharsets.UTF_8), data));
                    return;
                }
            } catch (BencodeException e) {
                // not even a dictionary: still just a reply with a cookie that is not ours
            }
            listener.onStrayReply(NgClientListener.StrayReason.UNKNOWN_COOKIE);
        }

        @Override
        public void onStray(NgClientListener.StrayReason reason) {
            listener.onStrayReply(reason);
        }

        @Override
        public boolean hasInFlight() {
            return !pending.isEmpty();
        }

        @Override
        public List<byte[]> inFlightMessages(boolean reconnect) {
            List<Pending> all = new ArrayList<>(pending.values());
            all.sort(Comparator.comparingLong(p -> p.id));
            List<byte[]> out = new ArrayList<>(all.size());
            for (Pending p : all) {
                if (reconnect) {
                    p.transmissions++;
                    listener.onRetransmit(p.command());
                }
                out.add(p.wire);
            }
            return out;
        }

        @Override
        public void onConnectFailed(IOException cause) {
            for (Pending p : pending.values()) {
                if (settle(p)) {
                    fail(p, new NgTransportException(address, p.command(), p.callId(), "cannot connect: " + cause,
                            cause));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private void sampleRoundTrip(long sample) {
        if (srttNanos < 0) {
            srttNanos = sample;
            rttvarNanos = sample / 2;
        } else {
            long err = sample - srttNanos;
            srttNanos += err / 8;
            rttvarNanos += (Math.abs(err) - rttvarNanos) / 4;
        }
        rtoNanos = Math.max(retransmitInitialNanos, Math.min(retransmitMaxNanos * 4, srttNanos + 4 * rttvarNanos));
    }

    private void complete(Pending p, NgReply reply) {
        deliver(p, () -> p.future.complete(reply));
    }

    private void fail(Pending p, NgException e) {
        deliver(p, () -> p.future.completeExceptionally(e));
    }

    private void deliver(Pending p, Runnable completion) {
        if (p.direct) {
            completion.run(); // execute(): the waiting thread only needs to be woken up
            return;
        }
        if (callbackExecutor != null) {
            try {
                callbackExecutor.execute(completion);
                return;
            } catch (RejectedExecutionException e) {
                // shut down: complete here rather than never
            }
        }
        long start = System.nanoTime();
        completion.run();
        long took = System.nanoTime() - start;
        if (took > SLOW_CALLBACK_NANOS) {
            reportSlowCallback(p, took);
        }
    }

    private void reportSlowCallback(Pending p, long nanos) {
        if (slowCallbackReports.due()) {
            LOG.log(System.Logger.Level.WARNING, "callbacks of a '" + p.command().wireName() + "' reply held NG"
                    + " thread " + Thread.currentThread().getName() + " for " + nanos / 1_000_000 + " ms, delaying"
                    + " other replies (blocking work in a callback, or an overloaded host): move blocking work to an"
                    + " executor (thenApplyAsync, or NgClient.Builder.callbackExecutor)");
        }
    }

    // ------------------------------------------------------------------ internals

    /** One request in flight. */
    private static final class Pending {
        final long id;
        final NgRequest request;
        final byte[] wire;
        final CompletableFuture<NgReply> future;
        final boolean direct;
        final long startNanos;
        final long deadlineNanos;
        final long timeoutNanos;
        final Duration timeout;
        volatile int transmissions = 1;
        volatile boolean registered;
        volatile long interval;

        Pending(long id, NgRequest request, byte[] wire, CompletableFuture<NgReply> future, boolean direct,
                long startNanos, Duration timeout) {
            this.id = id;
            this.request = request;
            this.wire = wire;
            this.future = future;
            this.direct = direct;
            this.startNanos = startNanos;
            this.timeout = timeout;
            this.timeoutNanos = timeout.toNanos();
            this.deadlineNanos = startNanos + timeoutNanos;
        }

        NgCommand command() {
            return request.command();
        }

        String callId() {
            return request.callId().orElse(null);
        }
    }

    /**
     * Shields the client from a listener that throws. Each method has its own try/catch rather than a shared
     * {@code guard(Runnable)}: they run for every request on the I/O and timer threads, where a lambda would cost an
     * allocation per call and a bootstrap on its first, delaying the thread.
     */
    private static final class SafeListener implements NgClientListener {
        private final NgClientListener delegate;
        private final AtomicBoolean warned = new AtomicBoolean();

        SafeListener(NgClientListener delegate) {
            this.delegate = delegate;
        }

        private void failed(RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "NgClientListener threw (further failures not logged)", e);
            }
        }

        @Override
        public void onSent(NgCommand command) {
            try {
                delegate.onSent(command);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onReply(NgCommand command, NgReply.Result result, long latencyNanos) {
            try {
                delegate.onReply(command, result, latencyNanos);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onRetransmit(NgCommand command) {
            try {
                delegate.onRetransmit(command);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onTimeout(NgCommand command) {
            try {
                delegate.onTimeout(command);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onStrayReply(StrayReason reason) {
            try {
                delegate.onStrayReply(reason);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onProtocolError(NgCommand command) {
            try {
                delegate.onProtocolError(command);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onNotification(NgNotification notification) {
            try {
                delegate.onNotification(notification);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    /** Configures an {@link NgClient}. Only the address is required. */
    public static final class Builder {
        private InetSocketAddress address;
        private NgTransportKind transport = NgTransportKind.UDP;
        private Duration timeout = Duration.ofSeconds(1);
        private int maxInFlight = 256;
        private NgClientListener listener = NgClientListener.NONE;
        private Duration retransmitInitial = Duration.ofMillis(50);
        private Duration retransmitMax = Duration.ofMillis(100);
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Executor callbackExecutor;
        private Bencode.Limits replyLimits = Bencode.Limits.DEFAULT;
        private InetSocketAddress localAddress;

        private Builder() {
        }

        /** The instance's NG address ({@code --listen-ng} for UDP, {@code --listen-tcp-ng} for TCP). */
        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        public Builder address(String host, int port) {
            return address(new InetSocketAddress(host, port));
        }

        public Builder transport(NgTransportKind transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Default time a request may take, retransmissions included (the {@code timeout_ms} of the configuration). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Most requests waiting for a reply at once; more fail with {@link NgOverloadException}. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder listener(NgClientListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * UDP retransmission: first interval (also the floor of the adaptive interval) and the cap of its doubling.
         * Defaults 50 ms and 100 ms: about ten transmissions within a 1 s timeout, so that a request fails only if
         * all of them or all their replies are lost (at 30% loss each way, about 1 in 1,000). The interval grows
         * beyond the cap when the measured round trip is longer, so a slow instance is not flooded.
         */
        public Builder retransmit(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
            }
            this.retransmitInitial = initial;
            this.retransmitMax = max;
            return this;
        }

        /** TCP connect timeout. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Completes the futures of {@link NgClient#send} on {@code executor} instead of the client's I/O thread, so
         * that dependent stages may block without delaying other replies; costs a thread hand-off per reply.
         * Default: none (complete on the I/O thread).
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Bounds for decoding replies. */
        public Builder replyLimits(Bencode.Limits limits) {
            this.replyLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Local address to bind the UDP socket to (default: any address, ephemeral port). */
        public Builder localAddress(InetSocketAddress localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        /**
         * Opens the socket (UDP) and starts the client's threads; a TCP connection is made with the first request.
         *
         * @throws UncheckedIOException if the UDP socket cannot be opened
         */
        public NgClient build() {
            if (address == null) {
                throw new IllegalStateException("address is required");
            }
            if (address.isUnresolved()) {
                InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
                if (resolved.isUnresolved()) {
                    throw new IllegalArgumentException("cannot resolve " + address.getHostString());
                }
                address = resolved;
            }
            try {
                return new NgClient(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open NG " + transport + " socket for " + address, e);
            }
        }
    }
}
