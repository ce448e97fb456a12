package org.sipanchor.engine;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.sipanchor.config.ReconcileConfig;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;

/**
 * Reconciliation: every {@code interval}, asks each up RTPEngine which calls it holds ({@code list}, then
 * {@code query} for each call no live call here owns), and deletes the calls nobody owns, once it is safe:
 *
 * <ul>
 *   <li>A call this server is anchoring ({@code isLive}) is never touched.</li>
 *   <li>A call offered by <b>this process</b> ({@link NodeMark}: its label) that no live call owns any more, e.g. one
 *       whose release was given up, is deleted once it has been seen so for {@code grace}.</li>
 *   <li>Any <b>other</b> call (another node's label, this node's from before a restart, or no label at all) may still
 *       have a live SIP dialog elsewhere: it is deleted only when its media has stopped, i.e. its packet counters,
 *       last-packet times and last signalling, as {@code query} reports them, have not changed for {@code grace}.
 *       The grace outlasts ringing ({@code app.no_answer_timeout_secs}) and RTPEngine's {@code --delete-delay}.</li>
 * </ul>
 *
 * <p>Each deletion is counted in {@code sipanchor_rtpengine_reconciled_total{instance}} and logged with its Call-ID.
 * Also exported: {@code sipanchor_rtpengine_sessions{instance}} (calls the instance listed in the last round, at most
 * {@value #LIST_LIMIT}) and {@code sipanchor_media_live_calls} (calls this server anchors). One daemon thread, which
 * waits for its own requests (never a SIP or NG thread); a round that fails on an instance leaves it for the next.
 */
public final class Reconciler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

    /**
     * Calls asked for per {@code list} (RTPEngine's default is 32). A list of this many Call-IDs still fits a UDP
     * datagram; an instance holding more shows the rest in later rounds only as far as its hash order allows.
     */
    static final int LIST_LIMIT = 1000;
    static final String RECONCILED = "sipanchor_rtpengine_reconciled";
    static final String SESSIONS = "sipanchor_rtpengine_sessions";
    static final String LIVE_CALLS = "sipanchor_media_live_calls";

    private final EnginePool pool;
    private final ReconcileConfig config;
    private final NodeMark mark;
    private final Predicate<String> isLive;
    private final LongSupplier clock;
    private final PrometheusRegistry registry;
    private final List<Collector> collectors;
    private final Counter reconciled;
    private final Map<String, Integer> sessions = new ConcurrentHashMap<>();
    /** Unowned calls seen, per instance and Call-ID: since when, and with what activity. Only the reconcile thread writes. */
    private final Map<Key, Observation> observed = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    private record Key(String instance, String callId) {
    }

    /**
     * What {@code query} says about a call's activity; any change means someone still uses it.
     *
     * @param packets     RTP and RTCP packets relayed, all streams
     * @param lastPacket  the latest {@code last packet} time of any stream (seconds)
     * @param lastSignal  {@code last signal} (seconds)
     */
    record Activity(long packets, long lastPacket, long lastSignal) {

        static Activity of(NgReply query) {
            long packets = 0;
            for (Object kind : query.totals().values()) {
                if (kind instanceof Map<?, ?> counters && counters.get("packets") instanceof Long n) {
                    packets += n;
                }
            }
            long lastPacket = 0;
            for (Object tag : query.tags().values()) {
                for (Object media : list(tag, "medias")) {
                    for (Object stream : list(media, "streams")) {
                        if (stream instanceof Map<?, ?> s && s.get("last packet") instanceof Long t) {
                            lastPacket = Math.max(lastPacket, t);
                        }
                    }
                }
            }
            return new Activity(packets, lastPacket, query.lastSignal().orElse(0));
        }

        private static List<?> list(Object dict, String key) {
            return dict instanceof Map<?, ?> m && m.get(key) instanceof List<?> l ? l : List.of();
        }
    }

    /** An unowned call as first seen, and since when its activity has not changed. */
    private record Observation(NodeMark.Owner owner, Activity activity, long firstSeenNanos, long idleSinceNanos) {
    }

    private Reconciler(EnginePool pool, ReconcileConfig config, NodeMark mark, Predicate<String> isLive,
            IntSupplier liveCalls, PrometheusRegistry registry, LongSupplier clock) {
        this.pool = pool;
        this.config = config;
        this.mark = mark;
        this.isLive = isLive;
        this.clock = clock;
        this.registry = registry;
        this.reconciled = Counter.builder()
                .name(RECONCILED)
                .help("Calls reconciliation deleted on an RTPEngine because no live call owned them")
                .labelNames("instance")
                .withoutExemplars()
                .build();
        GaugeWithCallback held = GaugeWithCallback.builder()
                .name(SESSIONS)
                .help("Calls the RTPEngine instance held at the last reconciliation round (at most " + LIST_LIMIT + ")")
                .labelNames("instance")
                .callback(cb -> sessions.forEach((instance, n) -> cb.call(n, instance)))
                .build();
        GaugeWithCallback live = GaugeWithCallback.builder()
                .name(LIVE_CALLS)
                .help("Calls this server anchors on RTPEngine now")
                .callback(cb -> cb.call(liveCalls.getAsInt()))
                .build();
        this.collectors = List.of(reconciled, held, live);
        collectors.forEach(registry::register);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rtpengine-reconcile");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts reconciliation every {@code config.interval()} (the first round after one interval), unless
     * {@code config} is off; then nothing runs and no metric is registered.
     *
     * @param mark      this process's mark, as its offers carry it
     * @param isLive    whether this server anchors the call with that Call-ID now
     * @param liveCalls how many calls it anchors now
     */
    public static Reconciler start(EnginePool pool, ReconcileConfig config, NodeMark mark, Predicate<String> isLive,
            IntSupplier liveCalls, PrometheusRegistry registry) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(mark, "mark");
        Objects.requireNonNull(isLive, "isLive");
        Reconciler r = new Reconciler(pool, config, mark, isLive, liveCalls, registry, System::nanoTime);
        if (config.enabled()) {
            long nanos = config.interval().toNanos();
            r.scheduler.scheduleWithFixedDelay(r::roundSafely, nanos, nanos, TimeUnit.NANOSECONDS);
            LOG.log(System.Logger.Level.INFO, "reconciliation with RTPEngine every " + config.interval().toMillis()
                    + " ms, grace " + config.grace().toMillis() + " ms, as " + mark.label());
        } else {
            LOG.log(System.Logger.Level.INFO, "reconciliation with RTPEngine is off (media.reconcile: off)");
        }
        return r;
    }

    private void roundSafely() {
        try {
            round();
        } catch (RuntimeException e) {
            // Never let one bad round end reconciliation for good.
            LOG.log(System.Logger.Level.WARNING, "reconciliation round failed", e);
        }
    }

    /** One round over every up instance. */
    void round() {
        for (String instance : pool.upInstanceNames()) {
            if (closed) {
                return;
            }
            reconcile(instance);
        }
        // Instances that are down now keep their observations: their calls are judged again when they are back.
        rounds.incrementAndGet();
    }

    /** Rounds completed so far (for tests and diagnostics). */
    long rounds() {
        return rounds.get();
    }

    private void reconcile(String instance) {
        NgReply list = ask(instance, NgRequest.list(LIST_LIMIT), null);
        if (list == null) {
            sessions.remove(instance);
            return;
        }
        List<String> calls = list.calls();
        sessions.put(instance, calls.size());
        Set<String> unowned = new HashSet<>();
        for (String callId : calls) {
            if (closed) {
                return;
            }
            Key key = new Key(instance, callId);
            if (isLive.test(callId)) {
                observed.remove(key);
                continue;
            }
            NgReply query = ask(instance, NgRequest.query(callId), callId);
            if (query == null) {
                return; // the instance stopped answering: the rest waits for the next round
            }
            if (!query.isSuccess()) {
                continue; // gone since the list
            }
            unowned.add(callId);
            long now = clock.getAsLong();
            Activity activity = Activity.of(query);
            Observation seen = observed.merge(key, new Observation(mark.classify(query), activity, now, now),
                    (old, fresh) -> old.activity().equals(activity) ? old
                            : new Observation(old.owner(), activity, old.firstSeenNanos(), now));
            if (isDue(seen, now) && !isLive.test(callId)) {
                delete(instance, callId, seen, now);
                observed.remove(key);
            }
        }
        observed.keySet().removeIf(k -> k.instance().equals(instance) && !unowned.contains(k.callId()));
    }

    /** The safety rule: this process's own unowned calls after the grace; everyone else's only once idle that long. */
    private boolean isDue(Observation seen, long now) {
        long grace = config.grace().toNanos();
        long since = seen.owner() == NodeMark.Owner.THIS_PROCESS ? seen.firstSeenNanos() : seen.idleSinceNanos();
        return now - since >= grace;
    }

    private void delete(String instance, String callId, Observation seen, long now) {
        // delete-delay 0: nobody uses this call, its ports are better free at once.
        NgReply reply = ask(instance, NgRequest.builder(NgCommand.DELETE).callId(callId).deleteDelay(0).build(), callId);
        if (reply != null && reply.isSuccess() && reply.warning().isEmpty()) {
            reconciled.labelValues(instance).inc();
            long seconds = Duration.ofNanos(now - seen.firstSeenNanos()).toSeconds();
            LOG.log(System.Logger.Level.INFO, "call-id=" + callId + " deleted on rtpengine " + instance
                    + " by reconciliation: no live call here owned it for " + seconds + " s"
                    + (seen.owner() == NodeMark.Owner.THIS_PROCESS ? " (this process's own)"
                    : ", and its media was idle for " + Duration.ofNanos(now - seen.idleSinceNanos()).toSeconds()
                    + " s (another node's, an earlier run's, or unmarked)"));
        }
    }

    /**
     * Sends one request and waits for it on this thread; the reply (an error reply too, as a non-success reply), or
     * null if the instance did not answer.
     */
    private NgReply ask(String instance, NgRequest request, String callId) {
        CompletableFuture<NgReply> pending = pool.sendTo(instance, request);
        try {
            return pending.get(pool.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NgErrorException error) {
                return new NgReply(NgReply.Result.ERROR, Map.of("error-reason", String.valueOf(error.reason())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "reconciliation: " + request.command().wireName()
                    + (callId == null ? "" : " of " + callId) + " on " + instance + " failed: "
                    + EnginePool.describe(e.getCause()));
            return null;
        } catch (TimeoutException e) {
            pending.cancel(false);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops the rounds and unregisters the metrics. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        collectors.forEach(registry::unregister);
    }
}
