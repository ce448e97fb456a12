package org.sipanchor.engine;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.EngineTransport;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgException;
import org.sipanchor.ng.NgRefusedException;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.ng.NgTransportKind;

/**
 * Several RTPEngine instances as one: new calls spread by weight over the instances that are up, failed offers
 * retried on the next instance, and every later command of a call sent to the instance that holds it.
 *
 * <pre>{@code
 * PrometheusRegistry registry = new PrometheusRegistry();
 * try (EnginePool pool = EnginePool.start(config.media().rtpengine(), config.media().healthCheckInterval(), registry)) {
 *     EngineReply offered = pool.offer(offer).get();           // some up instance, by weight
 *     appSession.setAttribute("rtpengine", offered.instance());  // travels with the call
 *
 *     Optional<String> anchor = Optional.ofNullable((String) appSession.getAttribute("rtpengine"));
 *     EngineReply answered = pool.send(answer, anchor).get();  // the same instance
 *     pool.send(NgRequest.delete(callId), anchor).get();       // the same instance; forgets the call
 * }
 * MetricsEndpoint.start(listen, registry, () -> pool.upCount() > 0,
 *         () -> "up " + pool.upCount() + " of " + pool.instances().size());
 * }</pre>
 *
 * <h2>New calls: {@link #offer}</h2>
 * Smooth weighted round-robin ({@link SmoothWeightedRoundRobin}) over the instances that are up: weights 2:1 give
 * 2:1, interleaved. If the chosen instance times out, cannot be reached, answers garbage, or refuses for lack of
 * capacity ({@code load limit}, "Ran out of ports", "Parallel session limit reached", "Call limit reached", see
 * {@link NgErrorException#isCapacityRefusal()}), the same offer goes to the next up instance not yet tried; the
 * caller sees one result. Any other error reply (e.g. "Failed to parse SDP") is the caller's and is not retried.
 *
 * <h2>Refused here, not there</h2>
 * What the NG client refuses itself ({@link NgRefusedException}: a message too large for UDP, an invalid request, its
 * bound on requests in flight, a closed client) never reached the instance and never counts against its health. A
 * request every instance would refuse the same way ({@link NgRefusedException.Kind#sameOnEveryInstance()}: too large,
 * invalid) is not tried elsewhere either: the future fails at once with that exception, so the caller can answer
 * 413/500 without delay. Only a full client ({@code IN_FLIGHT_LIMIT}) sends an offer on to the next instance. An error
 * reply is an answer too: the instance stays up.
 *
 * <h2>Budget: how long a caller may wait</h2>
 * Every future this pool returns completes within {@link #budget()}, plus a few milliseconds of timer delay, even
 * when every instance is frozen: {@code max(2 x timeout, min(instances x timeout, 3 s))}. One request ends within one
 * timeout (the NG client's guarantee); a later command of a call no anchor knows takes two (find the call, then
 * send); an offer tries the next instance only while at least half a timeout is left, with its timeout cut to what is
 * left, so a frozen instance costs one timeout and a full one almost nothing. No thread waits meanwhile.
 *
 * <h2>Never anchored on two instances</h2>
 * An instance that timed out may still have created the call (it was slow, frozen, or its reply was lost). The
 * pool remembers the Call-ID as an orphan of that instance ({@link OrphanCalls}), sends it a delete at once, and
 * deletes it again once the instance answers a ping sent after the failure, so the instance never keeps a session
 * nobody owns. The same holds for a {@code delete} that timed out, and for an unanchored delete while an instance
 * was down.
 *
 * <h2>Releases are confirmed: {@link #release}</h2>
 * A call's media is released when an RTPEngine confirms the delete, or answers that it does not know the call. A
 * delete that gets neither (it timed out, was refused by the client's bound on requests in flight, found no client,
 * no instance up, a closed connection) is kept ({@link PendingReleases}, at most 100,000 calls) and sent again with
 * backoff (1 s, doubling, at most 1 min) until it is confirmed; a call still unconfirmed after 24 hours is given up
 * with a log line naming it. {@code sipanchor_media_pending_releases} counts the calls kept.
 *
 * <h2>Health</h2>
 * Every instance is pinged every {@code healthInterval} (the first round at start, which waits at most one timeout
 * for it; instances that do not answer are down, not fatal). A failed ping (timeout or error), and any request that
 * times out or whose connection fails, takes the instance out of rotation at once ("suspect"); it comes back when a
 * ping sent after that failure is answered. So a dead instance stops getting new calls within one timeout when calls
 * are flowing, and within {@code healthInterval + timeout} when idle.
 *
 * <h2>Affinity: {@link #send}</h2>
 * Every later command of a call goes to the instance that took its offer: the {@code anchor} the caller kept (the
 * SIP application session carries it to other nodes of a cluster), else the pool's local table
 * ({@link CallAnchors}: bounded, idle expiry). A call anchored on an instance that is down is still sent there: the
 * call exists nowhere else. When neither knows the call (a restart, another node without the session), a
 * {@code delete} or {@code query} goes to every up instance, and any other command first locates the call with a
 * {@code query} to every up instance.
 *
 * <p>Thread-safe and non-blocking: no thread per request; one scheduled daemon thread runs the health checks. The
 * futures complete on the NG clients' own threads (the UDP receiver or TCP selector for replies, the shared NG timer
 * for timeouts; see {@link NgClient}), or on the calling thread when they fail at once. Do not block in a non-async
 * dependent stage ({@code thenApply}...): it would hold up the replies of every other call. Use the {@code ...Async}
 * variants with an executor of your own for that, or wait with {@code get()} on your own thread. Metrics: see
 * {@link EngineMetrics}.
 */
public final class EnginePool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EnginePool.class.getName());

    /** Orphan deletes sent at once per instance; the next batch follows when these are answered. */
    private static final int ORPHAN_BATCH = 64;
    /** Anchor table: about 40 MB at worst; 4 h idle outlasts almost any call (see {@link CallAnchors}). */
    private static final int ANCHOR_CAPACITY = 200_000;
    private static final Duration ANCHOR_IDLE_TIMEOUT = Duration.ofHours(4);
    /** Call-IDs remembered per instance for deletion when it is back; beyond that they may leak (and are logged). */
    private static final int ORPHAN_CAPACITY = 10_000;
    /**
     * Requests waiting for a reply per instance: beyond that one fails at once (an offer moves on), not queued. Room
     * for a burst: after a collection pause, 64 SIP threads send offers and deletes at once while the one thread that
     * reads the replies waits for a CPU among them. The bundled B2BUA with a bound of 256 refused 6 offers (503) in
     * such a burst at 1,200 calls/s in one sweep, 2 at 1,300 in another, none in a third; with 1,024, none in two
     * (bench/PROFILE.md).
     */
    static final int MAX_IN_FLIGHT = 1024;
    /**
     * Most time an offer spends failing over, unless two timeouts are longer. A caller (a SIP thread holding an INVITE
     * whose sender retransmits it from 500 ms on) is better off with a quick 503 than with a fourth frozen instance
     * tried; the instances that timed out are out of rotation by then, so the next call goes elsewhere at once.
     */
    static final Duration FAILOVER_CAP = Duration.ofSeconds(3);
    /** Unconfirmed releases kept for another try; beyond that a Call-ID is logged as possibly leaking. */
    private static final int PENDING_RELEASE_CAPACITY = 100_000;
    /**
     * Backoff of unconfirmed releases: soon after a short stall, then no more than once a minute per call. Given up
     * after a day: by then RTPEngine's own timeouts (no media: 60 s, on hold: 1 h by default) and reconciliation have
     * long removed the call, or the instance is gone for good.
     */
    private static final Duration RELEASE_RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration RELEASE_RETRY_MAX = Duration.ofMinutes(1);
    private static final Duration RELEASE_GIVE_UP = Duration.ofHours(24);
    private static final Duration RELEASE_RETRY_TICK = Duration.ofMillis(250);
    private static final int RELEASE_RETRY_BATCH = 64;

    private final List<EngineInstance> instances;
    private final Map<String, EngineInstance> byName;
    private final SmoothWeightedRoundRobin<EngineInstance> rotation;
    private final CallAnchors<EngineInstance> anchors;
    private final EngineMetrics metrics;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Duration timeout;
    private final Duration budget;
    private final PendingReleases pendingReleases;
    /**
     * Deletes of a Call-ID on an instance that an offer of the same Call-ID there must not overtake, by
     * {@code instance + " " + callId}: orphan deletes and release retries in flight. An offer waits for them (see
     * {@link #sendOffer}); such deletes are sent, and offers checked, under the instance's lock of the Call-ID
     * ({@link EngineInstance#callLock}), so the instance gets them in that order.
     */
    private final Map<String, CompletableFuture<Void>> deletesInFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    private EnginePool(RtpEngineConfig config, PrometheusRegistry registry) {
        this.timeout = config.timeout();
        NgTransportKind kind = config.transport() == EngineTransport.TCP ? NgTransportKind.TCP : NgTransportKind.UDP;
        List<EngineInstance> list = new ArrayList<>();
        Map<String, EngineInstance> names = new LinkedHashMap<>();
        for (EngineInstanceConfig ic : config.instances()) {
            // Clients are made lazily (first health round), by when the metrics exist.
            EngineInstance inst = new EngineInstance(ic.address(), ic.weight(),
                    i -> newClient(i, kind), ORPHAN_CAPACITY);
            if (names.putIfAbsent(inst.name(), inst) != null) {
                throw new IllegalArgumentException("rtpengine " + inst.name() + " is configured twice");
            }
            list.add(inst);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no rtpengine instance configured");
        }
        this.instances = List.copyOf(list);
        this.budget = budget(timeout, instances.size());
        this.byName = Map.copyOf(names);
        this.pendingReleases = new PendingReleases(PENDING_RELEASE_CAPACITY, RELEASE_RETRY_FIRST, RELEASE_RETRY_MAX,
                RELEASE_GIVE_UP, System::nanoTime);
        this.metrics = new EngineMetrics(registry, this::upCount, this::instances, pendingReleases::size);
        this.rotation = new SmoothWeightedRoundRobin<>(instances, EngineInstance::weight);
        this.anchors = new CallAnchors<>(ANCHOR_CAPACITY, ANCHOR_IDLE_TIMEOUT, System::nanoTime);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rtpengine-health");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    private NgClient newClient(EngineInstance inst, NgTransportKind kind) {
        return NgClient.builder()
                .address(inst.address().toSocketAddress())
                .transport(kind)
                .timeout(timeout)
                .maxInFlight(MAX_IN_FLIGHT)
                .listener(metrics.listener(inst.name()))
                .build();
    }

    /**
     * Creates an NG client per configured instance (UDP or TCP, timeout from {@code config}), registers the metrics
     * on {@code registry}, and starts the health checks every {@code healthInterval}. The first round runs now;
     * this waits for it at most one timeout, so {@link #upCount()} is meaningful on return.
     *
     * @throws IllegalArgumentException if no instance is configured, or one twice, or {@code healthInterval} is not
     *                                  positive
     * @throws IllegalStateException    if {@code registry} already has these metrics (another pool not closed)
     */
    public static EnginePool start(RtpEngineConfig config, Duration healthInterval, PrometheusRegistry registry) {
        Objects.requireNonNull(config, "config");
        if (healthInterval.isNegative() || healthInterval.isZero()) {
            throw new IllegalArgumentException("health check interval must be positive: " + healthInterval);
        }
        Objects.requireNonNull(registry, "registry");
        EnginePool pool = new EnginePool(config, registry);
        pool.scheduleHealthChecks(healthInterval);
        return pool;
    }

    // ------------------------------------------------------------------ new calls

    /**
     * Sends the offer of a NEW call to an up instance chosen by weight, failing over as described in the class
     * documentation, and records the instance as the call's anchor in the local table.
     *
     * <p>Completes with the reply and the instance that took the call ({@link EngineReply#instance()}: keep it with
     * the call); or exceptionally with {@link EngineUnavailableException} (no instance up, or all tried failed; each
     * attempt's {@link NgException} attached as suppressed), or with the {@link NgErrorException} of an error reply
     * that says the request itself is wrong, or with the {@link NgRefusedException} of a request every instance would
     * refuse ({@link NgRefusedException.Kind#TOO_LARGE}, {@link NgRefusedException.Kind#INVALID}); always within
     * {@link #budget()}.
     *
     * <p>An offer for a Call-ID the local table already anchors goes to that instance, like {@link #send}: one call
     * is never anchored on two instances. Offer each new call once at a time.
     *
     * @throws IllegalArgumentException (in the future) if the request is not an offer with a call-id
     */
    public CompletableFuture<EngineReply> offer(NgRequest offer) {
        Objects.requireNonNull(offer, "offer");
        String callId = offer.callId().orElse(null);
        if (offer.command() != NgCommand.OFFER || callId == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "EnginePool.offer takes an offer with a call-id, not " + offer));
        }
        Optional<EngineInstance> known = anchors.get(callId);
        if (known.isPresent()) {
            return sendAnchored(known.get(), offer, callId);
        }
        CompletableFuture<EngineReply> result = new CompletableFuture<>();
        attemptOffer(offer, callId, System.nanoTime() + budget.toNanos(), new ArrayList<>(), new ArrayList<>(),
                result);
        return result;
    }

    /**
     * An offer for a call that may already be anchored, such as a re-offer or a forked offer: with an anchor it goes
     * there like {@link #send}, without one it is a new call, like {@link #offer(NgRequest)}.
     *
     * @param anchor {@link EngineReply#instance()} of the call's first offer, if there was one
     */
    public CompletableFuture<EngineReply> offer(NgRequest offer, Optional<String> anchor) {
        return anchor.isPresent() ? send(offer, anchor) : offer(offer);
    }

    private void attemptOffer(NgRequest offer, String callId, long deadlineNanos, List<EngineInstance> tried,
            List<Throwable> failures, CompletableFuture<EngineReply> result) {
        // Another attempt only while at least half a timeout is left, and never past the deadline (its timeout is cut
        // to what is left): the budget is a promise to the caller. Half, so that timer delays of the attempts before
        // do not cost a whole attempt, and so that a shortened attempt still gives the instance ample time.
        long left = deadlineNanos - System.nanoTime();
        if (!tried.isEmpty() && left < timeout.toNanos() / 2) {
            result.completeExceptionally(new EngineUnavailableException(callId, NgCommand.OFFER,
                    "no time left to try another instance within the budget of " + budget.toMillis() + " ms",
                    names(tried), failures));
            return;
        }
        Optional<EngineInstance> next = closed ? Optional.empty()
                : rotation.next(i -> i.isUp() && !tried.contains(i));
        if (next.isEmpty()) {
            String reason = closed ? "the pool is closed"
                    : tried.isEmpty() ? "no instance is up (0 of " + instances.size() + ")"
                    : tried.size() == instances.size() ? "every instance failed"
                    : "every up instance failed";
            result.completeExceptionally(new EngineUnavailableException(callId, NgCommand.OFFER, reason,
                    names(tried), failures));
            return;
        }
        EngineInstance inst = next.get();
        tried.add(inst);
        Duration attemptTimeout = tried.size() == 1 ? timeout : Duration.ofNanos(Math.min(timeout.toNanos(), left));
        sendOffer(inst, offer, callId, attemptTimeout).whenComplete((reply, failure) -> {
            if (failure == null) {
                anchors.put(callId, inst);
                result.complete(new EngineReply(reply, inst.name()));
                return;
            }
            RequestResult outcome = RequestResult.of(failure);
            if (!outcome.failsOver()) {
                failures.forEach(failure::addSuppressed); // the instances that failed before, for the log line
                result.completeExceptionally(failure);
                return;
            }
            metrics.failover(inst.name());
            if (outcome.mayHaveLeftCall(failure)) {
                // A reply (out of ports) proves the offer was handled: a "not found" to the delete is then final.
                deleteOrphan(inst, callId, !outcome.makesInstanceSuspect());
            }
            failures.add(failure);
            LOG.log(System.Logger.Level.DEBUG, () -> "offer of Call-ID " + callId + " failed on " + inst.name()
                    + ", trying the next instance: " + describe(failure));
            attemptOffer(offer, callId, deadlineNanos, tried, failures, result);
        });
    }

    // ------------------------------------------------------------------ later commands

    /**
     * Sends a later command of a call (answer, re-offer, delete, query, play media, block..., subscribe...) to the
     * instance that holds it: {@code anchor} if given and configured, else the local table's entry for the
     * request's Call-ID. When neither knows the call: {@code delete} and {@code query} go to every up instance (a
     * delete returns the reply of the instance that had the call, or an {@code ok}+warning reply if none had it);
     * other commands first locate the call with a {@code query} to every up instance, then go to the one that knows
     * it, or fail with {@link UnknownCallException}. A successful delete of the whole call removes the local-table
     * entry.
     *
     * <p>Completes exceptionally with the instance's {@link NgException} (an {@link NgRefusedException} if the client
     * refused the request, e.g. an answer too large for UDP: the instance stays up), with
     * {@link UnknownCallException}, or with {@link EngineUnavailableException} when no instance could be asked; always
     * within {@link #budget()}.
     *
     * @param anchor {@link EngineReply#instance()} of the call's offer, as kept with the call
     * @throws IllegalArgumentException (in the future) for a request without call-id and without anchor
     */
    public CompletableFuture<EngineReply> send(NgRequest request, Optional<String> anchor) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(anchor, "anchor");
        String callId = request.callId().orElse(null);
        Optional<EngineInstance> target = anchor.flatMap(this::configured);
        if (target.isEmpty() && callId != null) {
            target = anchors.get(callId);
        }
        if (target.isPresent()) {
            return sendAnchored(target.get(), request, callId);
        }
        if (callId == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("'" + request.command().wireName()
                    + "' has no call-id: give the instance as anchor" + anchor.map(a -> " (" + a
                    + " is not configured)").orElse("")));
        }
        return switch (request.command()) {
            case DELETE -> deleteEverywhere(request, callId);
            case QUERY -> locate(request, callId);
            default -> locate(NgRequest.query(callId), callId).thenCompose(found ->
                    sendAnchored(byName.get(found.instance()), request, callId));
        };
    }

    // ------------------------------------------------------------------ confirmed releases

    /**
     * Releases a whole call: sends its {@code delete} like {@link #send} (to {@code anchor}, else the local table's
     * instance, else every up instance) and completes, within {@link #budget()}, with what the first delete achieved.
     * Never completes exceptionally: a delete that was not confirmed ({@link ReleaseResult#PENDING}) is kept and sent
     * again with backoff until an RTPEngine confirms it (see the class documentation). Release each call once.
     *
     * @param anchor {@link EngineReply#instance()} of the call's offer, as kept with the call
     */
    public CompletableFuture<ReleaseResult> release(String callId, Optional<String> anchor) {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(anchor, "anchor");
        return attemptRelease(callId, anchor).thenApply(result -> {
            if (result == ReleaseResult.PENDING) {
                keepUnconfirmed(callId, anchor);
            }
            return result;
        });
    }

    /** Calls whose release no RTPEngine has confirmed yet, being retried. */
    public int pendingReleases() {
        return pendingReleases.size();
    }

    /** Whether the release of {@code callId} is waiting for an RTPEngine's confirmation. */
    public boolean isReleasePending(String callId) {
        return pendingReleases.contains(callId);
    }

    private void keepUnconfirmed(String callId, Optional<String> anchor) {
        if (closed) {
            LOG.log(System.Logger.Level.WARNING, "Call-ID " + callId + ": media release not confirmed and the pool is "
                    + "closed; RTPEngine's own timeout or another node's reconciliation must remove it");
            metrics.releaseGivenUp();
        } else if (!pendingReleases.add(callId, anchor)) {
            LOG.log(System.Logger.Level.WARNING, "Call-ID " + callId + ": media release not confirmed, and "
                    + pendingReleases.size() + " releases are pending already: not retried, it may leak");
            metrics.releaseGivenUp();
        }
    }

    /** One delete of a whole call, its outcome classified; never completes exceptionally. */
    private CompletableFuture<ReleaseResult> attemptRelease(String callId, Optional<String> anchor) {
        CompletableFuture<EngineReply> sent;
        try {
            sent = send(NgRequest.delete(callId), anchor);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return released(callId, sent);
    }

    /** What a delete of a whole call achieved; never completes exceptionally. */
    private CompletableFuture<ReleaseResult> released(String callId, CompletableFuture<EngineReply> sent) {
        return sent.handle((reply, failure) -> {
            if (failure == null) {
                return reply.reply().warning().isPresent() ? ReleaseResult.NOT_FOUND : ReleaseResult.DELETED;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof NgErrorException || cause instanceof UnknownCallException) {
                // An answer: 10.5 says "not found" with ok + warning, or with an error when asked to be strict.
                return ReleaseResult.NOT_FOUND;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "Call-ID " + callId + ": delete not confirmed, kept for another"
                    + " try: " + describe(cause));
            return ReleaseResult.PENDING;
        });
    }

    /** One tick of the retries: every unconfirmed release that is due is deleted again. */
    private void retryPendingReleases() {
        if (closed) {
            return;
        }
        List<PendingReleases.Pending> givenUp = new ArrayList<>();
        for (PendingReleases.Pending p : pendingReleases.takeDue(RELEASE_RETRY_BATCH, givenUp)) {
            Optional<EngineInstance> inst = p.anchor().flatMap(this::configured);
            CompletableFuture<ReleaseResult> attempt;
            if (inst.isPresent()) {
                synchronized (inst.get().callLock(p.callId())) {
                    if (!pendingReleases.contains(p.callId())) {
                        continue; // an offer of the same Call-ID took it back since it was due
                    }
                    attempt = released(p.callId(), sendDelete(inst.get(), NgRequest.delete(p.callId()), p.callId())
                            .thenApply(reply -> new EngineReply(reply, inst.get().name())));
                }
            } else {
                attempt = attemptRelease(p.callId(), p.anchor());
            }
            attempt.thenAccept(result -> {
                if (result.isConfirmed()) {
                    pendingReleases.confirmed(p.callId());
                    LOG.log(System.Logger.Level.INFO, "Call-ID " + p.callId() + ": media release confirmed ("
                            + result.name().toLowerCase(java.util.Locale.ROOT) + ") after " + p.attempts()
                            + " deletes");
                }
            });
        }
        for (PendingReleases.Pending p : givenUp) {
            metrics.releaseGivenUp();
            LOG.log(System.Logger.Level.WARNING, "Call-ID " + p.callId() + ": media release given up after "
                    + p.attempts() + " deletes over " + RELEASE_GIVE_UP.toHours() + " h without an answer"
                    + p.anchor().map(a -> " from " + a).orElse(""));
        }
    }

    // ------------------------------------------------------------------ one instance, by name (reconciliation)

    /** The names of the instances that are up now, in configuration order. */
    List<String> upInstanceNames() {
        return instances.stream().filter(EngineInstance::isUp).map(EngineInstance::name).toList();
    }

    /** Sends {@code request} to the instance named {@code instance}, counting and judging it like any request. */
    CompletableFuture<NgReply> sendTo(String instance, NgRequest request) {
        EngineInstance inst = byName.get(instance);
        if (inst == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(instance + " is not configured"));
        }
        return dispatch(inst, request);
    }

    /** The NG timeout of every request. */
    Duration timeout() {
        return timeout;
    }

    private Optional<EngineInstance> configured(String anchor) {
        EngineInstance inst = byName.get(anchor);
        if (inst == null) {
            try {
                inst = byName.get(HostPort.parse(anchor).toString()); // e.g. "[::1]:22222" written as given
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "anchor '" + anchor + "' is not an address");
            }
        }
        if (inst == null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "anchor " + anchor + " is not a configured rtpengine");
        }
        return Optional.ofNullable(inst);
    }

    private CompletableFuture<EngineReply> sendAnchored(EngineInstance inst, NgRequest request, String callId) {
        CompletableFuture<EngineReply> result = new CompletableFuture<>();
        CompletableFuture<NgReply> sent = request.command() == NgCommand.OFFER && callId != null
                ? sendOffer(inst, request, callId, timeout) : dispatch(inst, request);
        sent.whenComplete((reply, failure) -> {
            boolean delete = request.command() == NgCommand.DELETE;
            if (failure == null) {
                if (callId != null) {
                    if (delete && !request.params().containsKey("via-branch")) {
                        anchors.remove(callId);
                    } else if (!delete) {
                        anchors.put(callId, inst); // refreshes, or learns an anchor given by the caller
                    }
                }
                result.complete(new EngineReply(reply, inst.name()));
                return;
            }
            if (callId != null && failure instanceof NgErrorException error && error.isUnknownCall()) {
                // The instance forgot the call (it restarted, or timed the call out): nothing is anchored there any
                // more, and the next command of the call is not sent there blindly.
                anchors.remove(callId);
                LOG.log(System.Logger.Level.INFO, "Call-ID " + callId + ": rtpengine " + inst.name() + " does not know "
                        + "the call (restarted, or timed it out): its " + request.command().wireName() + " failed");
            }
            if (delete && callId != null && leavesCallBehind(RequestResult.of(failure))) {
                // The call is being torn down but the instance did not confirm: delete it when it answers again.
                recordOrphan(inst, callId);
                anchors.remove(callId);
            }
            result.completeExceptionally(failure);
        });
        return result;
    }

    /** Delete of a call no anchor knows: every up instance; the down ones get it when they come back. */
    private CompletableFuture<EngineReply> deleteEverywhere(NgRequest delete, String callId) {
        List<EngineInstance> targets = new ArrayList<>();
        for (EngineInstance inst : instances) {
            if (inst.isUp()) {
                targets.add(inst);
            } else {
                recordOrphan(inst, callId);
            }
        }
        if (targets.isEmpty()) {
            return CompletableFuture.failedFuture(new EngineUnavailableException(callId, NgCommand.DELETE,
                    "no instance is up (0 of " + instances.size() + "); each will delete the call when it answers a "
                    + "ping again", List.of(), List.of()));
        }
        return everywhere(targets, delete).thenCompose(attempts -> {
            Attempt found = null;
            Attempt notFound = null;
            for (Attempt a : attempts) {
                if (a.reply != null) {
                    if (a.reply.warning().isEmpty() && found == null) {
                        found = a;
                    } else if (notFound == null) {
                        notFound = a;
                    }
                } else if (leavesCallBehind(RequestResult.of(a.failure))) {
                    recordOrphan(a.instance, callId); // it may hold the call: delete it when it is back
                }
            }
            Attempt chosen = found != null ? found : notFound;
            if (chosen != null) {
                return CompletableFuture.completedFuture(new EngineReply(chosen.reply, chosen.instance.name()));
            }
            return CompletableFuture.failedFuture(new EngineUnavailableException(callId, NgCommand.DELETE,
                    "every up instance failed", names(targets), failures(attempts)));
        });
    }

    /**
     * Finds the call with {@code query} (the request itself if it is one) on every up instance; completes with the
     * reply of the instance that knows it, and records that instance as the call's anchor.
     */
    private CompletableFuture<EngineReply> locate(NgRequest query, String callId) {
        List<EngineInstance> targets = instances.stream().filter(EngineInstance::isUp).toList();
        if (targets.isEmpty()) {
            return CompletableFuture.failedFuture(new EngineUnavailableException(callId, NgCommand.QUERY,
                    "no instance is up (0 of " + instances.size() + ") to locate the call", List.of(), List.of()));
        }
        return everywhere(targets, query).thenCompose(attempts -> {
            boolean allAnswered = true;
            for (Attempt a : attempts) {
                if (a.reply != null) {
                    anchors.put(callId, a.instance);
                    return CompletableFuture.completedFuture(new EngineReply(a.reply, a.instance.name()));
                }
                allAnswered &= a.failure instanceof NgErrorException;
            }
            if (allAnswered) {
                return CompletableFuture.failedFuture(new UnknownCallException(callId, query.command(),
                        names(targets), failures(attempts)));
            }
            // Some instance did not answer: it may be the one that has the call, so "unknown" would be a guess.
            return CompletableFuture.failedFuture(new EngineUnavailableException(callId, query.command(),
                    "no instance that answered knows the call, and not every up instance answered",
                    names(targets), failures(attempts)));
        });
    }

    /** One request's outcome on one instance. */
    private record Attempt(EngineInstance instance, NgReply reply, Throwable failure) {
    }

    private CompletableFuture<List<Attempt>> everywhere(List<EngineInstance> targets, NgRequest request) {
        List<CompletableFuture<Attempt>> all = new ArrayList<>();
        for (EngineInstance inst : targets) {
            all.add(dispatch(inst, request).handle((reply, failure) -> new Attempt(inst, reply, failure)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }

    private static List<Throwable> failures(List<Attempt> attempts) {
        return attempts.stream().map(Attempt::failure).filter(Objects::nonNull).toList();
    }

    // ------------------------------------------------------------------ one request to one instance

    /**
     * Sends to one instance, counts the outcome, and takes the instance out of rotation if it timed out or could
     * not be reached. The future completes with the reply, or exceptionally with the bare cause.
     */
    private CompletableFuture<NgReply> dispatch(EngineInstance inst, NgRequest request) {
        return dispatch(inst, request, timeout);
    }

    private CompletableFuture<NgReply> dispatch(EngineInstance inst, NgRequest request, Duration requestTimeout) {
        CompletableFuture<NgReply> out = new CompletableFuture<>();
        Optional<NgClient> client = closed ? Optional.empty() : inst.client();
        if (client.isEmpty()) {
            String callId = request.callId().orElse(null);
            out.completeExceptionally(new EngineUnavailableException(callId, request.command(), closed
                    ? "the pool is closed" : "no NG client for " + inst.name() + ": "
                    + inst.status().lastError().orElse("?"), List.of(inst.name()), List.of()));
            return out;
        }
        CompletableFuture<NgReply> sent;
        try {
            sent = client.get().send(request, requestTimeout);
        } catch (RuntimeException e) {
            // Refused while being handed over (not sent): a failed future, never an exception out of a callback,
            // where it would be lost and leave an offer's future incomplete for good.
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, error) -> {
            if (error == null) {
                metrics.request(inst.name(), request.command(), RequestResult.of(reply));
                out.complete(reply);
                return;
            }
            // NgClient completes its futures directly with the NgException, never wrapped in a CompletionException.
            RequestResult outcome = RequestResult.of(error);
            metrics.request(inst.name(), request.command(), outcome);
            // Only the instance's own failure takes it out: an error reply is an answer, and what the client refused
            // (too large, invalid, too many in flight, closed) never reached it. (A failed ping is the health check's
            // to judge: it says "ping failed" in one step.)
            if (outcome.makesInstanceSuspect() && !closed && request.command() != NgCommand.PING) {
                inst.markDown("suspect until the next answered ping: " + error.getMessage());
            }
            out.completeExceptionally(error);
        });
        return out;
    }

    /**
     * Sends an offer of {@code callId} to {@code inst}, after any delete of that Call-ID in flight there: the call
     * the offer makes (a retry after 401/407 revives a just-deleted call) must be neither deleted by an orphan delete
     * nor by a kept release of an earlier call with the same Call-ID, so both are dropped here, before the offer
     * goes out, and a delete already on its way is let through first.
     */
    private CompletableFuture<NgReply> sendOffer(EngineInstance inst, NgRequest offer, String callId, Duration requestTimeout) {
        synchronized (inst.callLock(callId)) {
            inst.orphans().forget(callId);
            if (pendingReleases.supersededOn(callId, inst.name())) {
                LOG.log(System.Logger.Level.INFO, "Call-ID " + callId + ": offered again on " + inst.name()
                        + "; the unconfirmed release of its earlier call there is dropped, the new call's release covers it");
            }
            CompletableFuture<Void> deleting = deletesInFlight.get(inst.name() + " " + callId);
            if (deleting == null) {
                return dispatch(inst, offer, requestTimeout);
            }
            return deleting.thenCompose(done -> dispatch(inst, offer, requestTimeout));
        }
    }

    /**
     * Sends a delete of {@code callId} to {@code inst} that a later offer of the same Call-ID must not overtake; the
     * caller holds the instance's lock of the Call-ID.
     */
    private CompletableFuture<NgReply> sendDelete(EngineInstance inst, NgRequest delete, String callId) {
        String key = inst.name() + " " + callId;
        CompletableFuture<Void> done = new CompletableFuture<>();
        deletesInFlight.put(key, done);
        CompletableFuture<NgReply> sent = dispatch(inst, delete);
        sent.whenComplete((reply, failure) -> {
            deletesInFlight.remove(key, done);
            done.complete(null);
        });
        return sent;
    }

    // ------------------------------------------------------------------ orphans

    /** Records {@code callId} as an orphan of {@code inst}; null, with a warning, if it has too many already. */
    private static OrphanCalls.Orphan recordOrphan(EngineInstance inst, String callId) {
        OrphanCalls.Orphan orphan = inst.orphans().record(callId);
        if (orphan == null) {
            LOG.log(System.Logger.Level.WARNING, "rtpengine " + inst.name() + ": too many calls to clean up; Call-ID "
                    + callId + " is not tracked and may leak there");
        }
        return orphan;
    }

    /** Records {@code callId} as an orphan of {@code inst} and sends the delete now (fire and forget). */
    private void deleteOrphan(EngineInstance inst, String callId, boolean notFoundIsFinal) {
        OrphanCalls.Orphan orphan = recordOrphan(inst, callId);
        dispatch(inst, orphanDelete(callId)).whenComplete((reply, failure) -> {
            if (reply != null && (notFoundIsFinal || reply.warning().isEmpty())) {
                orphanAnswered(inst, orphan, reply);
            }
        });
    }

    /** After a ping sent at {@code pingSentNanos} was answered: deletes the orphans recorded before it. */
    private void drainOrphans(EngineInstance inst, long pingSentNanos) {
        List<OrphanCalls.Orphan> batch = inst.orphans().recordedBefore(pingSentNanos, ORPHAN_BATCH);
        if (batch.isEmpty() || closed) {
            return;
        }
        AtomicInteger pending = new AtomicInteger(batch.size());
        AtomicBoolean allAnswered = new AtomicBoolean(true);
        for (OrphanCalls.Orphan orphan : batch) {
            CompletableFuture<NgReply> sent;
            synchronized (inst.callLock(orphan.callId())) {
                // An offer of this Call-ID since the batch was taken made it a live call: it is not deleted.
                sent = inst.orphans().contains(orphan) ? sendDelete(inst, orphanDelete(orphan.callId()), orphan.callId())
                        : CompletableFuture.failedFuture(new OrphanForgotten());
            }
            sent.whenComplete((reply, failure) -> {
                if (failure instanceof OrphanForgotten) {
                    if (pending.decrementAndGet() == 0 && allAnswered.get() && inst.isUp()) {
                        drainOrphans(inst, pingSentNanos);
                    }
                    return;
                }
                if (reply != null || failure instanceof NgErrorException) {
                    // Any answer is final here: the instance has handled everything sent before the ping.
                    if (orphanAnswered(inst, orphan, reply)) {
                        LOG.log(System.Logger.Level.INFO, "rtpengine " + inst.name() + ": deleted Call-ID "
                                + orphan.callId() + ", which it had kept after a request to it timed out or could"
                                + " not be sent");
                    }
                } else {
                    allAnswered.set(false);
                }
                if (pending.decrementAndGet() == 0 && allAnswered.get() && inst.isUp()) {
                    drainOrphans(inst, pingSentNanos);
                }
            });
        }
    }

    /**
     * The orphan's delete got a final answer ({@code reply} null for an error reply): forgets the orphan, and counts
     * it if the call was there. Returns whether it was.
     */
    private boolean orphanAnswered(EngineInstance inst, OrphanCalls.Orphan orphan, NgReply reply) {
        if (orphan != null) {
            inst.orphans().remove(orphan);
        }
        boolean deleted = reply != null && reply.warning().isEmpty();
        if (deleted) {
            metrics.orphanDeleted(inst.name());
        }
        return deleted;
    }

    /** An orphan an offer took back before its delete was sent: nothing to send, nothing failed. */
    private static final class OrphanForgotten extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OrphanForgotten() {
            super(null, null, false, false);
        }
    }

    private static NgRequest orphanDelete(String callId) {
        // delete-delay 0: nobody uses this call, its ports are better free at once.
        return NgRequest.builder(NgCommand.DELETE).callId(callId).deleteDelay(0).build();
    }

    // ------------------------------------------------------------------ health

    private CompletableFuture<Void> healthRound() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        anchors.purgeExpired();
        List<CompletableFuture<?>> pings = new ArrayList<>();
        for (EngineInstance inst : instances) {
            if (inst.client().isEmpty()) {
                continue;
            }
            if (!inst.pingInFlight().compareAndSet(false, true)) {
                continue; // the last ping has not ended yet (interval shorter than the timeout)
            }
            long sent = System.nanoTime();
            pings.add(dispatch(inst, NgRequest.ping()).whenComplete((reply, failure) -> {
                inst.pingInFlight().set(false);
                if (failure == null) {
                    if (inst.pingAnswered(sent)) {
                        drainOrphans(inst, sent);
                    }
                } else if (!closed && !RequestResult.of(failure).isLocalRefusal()) {
                    // (A ping the client refused itself, e.g. because it already has its maximum in flight, says
                    // nothing about the instance: no verdict this round.)
                    inst.markDown("ping failed: " + describe(failure));
                }
            }));
        }
        return CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new));
    }

    private void scheduleHealthChecks(Duration interval) {
        CompletableFuture<Void> first = healthRound();
        long nanos = interval.toNanos();
        scheduler.scheduleAtFixedRate(() -> {
            try {
                healthRound();
            } catch (RuntimeException e) {
                // Never let one bad round end the checks for good.
                LOG.log(System.Logger.Level.WARNING, "rtpengine health check round failed", e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
        long tick = RELEASE_RETRY_TICK.toNanos();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                retryPendingReleases();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "rtpengine release retry round failed", e);
            }
        }, tick, tick, TimeUnit.NANOSECONDS);
        try {
            first.get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Not fatal: instances that did not answer in time are down and come up with a later round.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "rtpengine pool started: " + upCount() + " of " + instances.size()
                + " up " + names(instances));
    }

    // ------------------------------------------------------------------ status

    /** A snapshot of every instance, in configuration order. */
    public List<EngineStatus> instances() {
        List<EngineStatus> out = new ArrayList<>(instances.size());
        for (EngineInstance inst : instances) {
            out.add(inst.status());
        }
        return out;
    }

    /** Instances taking new calls now. */
    public int upCount() {
        int n = 0;
        for (EngineInstance inst : instances) {
            if (inst.isUp()) {
                n++;
            }
        }
        return n;
    }

    /**
     * How long any future of this pool may take at most (plus a few milliseconds of timer delay), even with every
     * instance frozen: {@code max(2 x timeout, min(instances x timeout, 3 s))}; see the class documentation. A caller
     * that waits on a thread of its own (a SIP thread) can use it as the limit of {@code get}, with a margin for a
     * starved timer thread, e.g. {@code future.get(pool.budget().toMillis() + 1000, MILLISECONDS)}.
     */
    public Duration budget() {
        return budget;
    }

    /** {@link #budget()} for {@code instances} instances with NG timeout {@code timeout}. */
    static Duration budget(Duration timeout, int instances) {
        Duration failover = timeout.multipliedBy(instances);
        if (failover.compareTo(FAILOVER_CAP) > 0) {
            failover = FAILOVER_CAP;
        }
        Duration twoTimeouts = timeout.multipliedBy(2); // locate an unanchored call, then send to it
        return failover.compareTo(twoTimeouts) > 0 ? failover : twoTimeouts;
    }

    /** Calls in the local anchor table (for tests and diagnostics). */
    int anchoredCalls() {
        return anchors.size();
    }

    /** Calls waiting to be deleted on {@code instance} (for tests and diagnostics). */
    int orphans(String instance) {
        return byName.get(instance).orphans().size();
    }

    /** Stops the health checks, closes the NG clients (requests in flight fail) and unregisters the metrics. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        if (pendingReleases.size() > 0) {
            // Nothing here can retry them any more: RTPEngine's own timeouts and reconciliation elsewhere must.
            LOG.log(System.Logger.Level.WARNING, "rtpengine pool closed with " + pendingReleases.size() + " media "
                    + "releases unconfirmed, e.g. Call-IDs " + pendingReleases.sample(10));
        }
        instances.forEach(EngineInstance::close);
        metrics.close();
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> names(List<EngineInstance> list) {
        return list.stream().map(EngineInstance::name).toList();
    }

    /**
     * A delete that ended so may have left the call on the instance: it timed out or failed on the way (the instance
     * is suspect), or the client had too many requests in flight to send it. Such a call is deleted again once the
     * instance answers a ping.
     */
    private static boolean leavesCallBehind(RequestResult outcome) {
        return outcome.makesInstanceSuspect() || outcome == RequestResult.OVERLOAD;
    }

    /** A failure in a few words, without repeating the instance/command/Call-ID of an {@link NgException}. */
    static String describe(Throwable failure) {
        return failure instanceof NgException ng ? ng.detail() : String.valueOf(failure.getMessage());
    }
}
