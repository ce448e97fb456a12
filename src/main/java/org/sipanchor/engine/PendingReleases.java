package org.sipanchor.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Calls whose release no RTPEngine has confirmed yet: the delete timed out, could not be sent (the client's bound on
 * requests in flight, no client, no instance up, a closed connection), or failed on the way. Each is tried again with
 * exponential backoff ({@code firstDelay}, doubling, at most {@code maxDelay}) until an instance answers it (deleted,
 * or "not found": gone either way), or until {@code giveUpAfter} has passed since its first failure.
 *
 * <p>Bounded: beyond {@code capacity} calls a new one is refused, and the caller logs the Call-ID that may leak
 * (reconciliation, and RTPEngine's own timeouts, remain as the last resort). Thread-safe.
 *
 * <pre>{@code
 * pending.add("a84b4c76e66710", Optional.of("10.0.0.1:22222"));   // the delete timed out
 * for (var p : pending.takeDue(64)) send(delete(p.callId()), p.anchor()) ... pending.confirmed(p.callId());
 * }</pre>
 */
final class PendingReleases {

    /**
     * One call to release.
     *
     * @param firstFailedNanos when its first delete failed ({@link System#nanoTime()} scale)
     * @param attempts         deletes tried so far
     * @param dueNanos         when to try next
     */
    record Pending(String callId, Optional<String> anchor, long firstFailedNanos, int attempts, long dueNanos) {
    }

    private final int capacity;
    private final long firstDelayNanos;
    private final long maxDelayNanos;
    private final long giveUpNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Pending> calls = new ConcurrentHashMap<>();

    PendingReleases(int capacity, Duration firstDelay, Duration maxDelay, Duration giveUpAfter, LongSupplier clock) {
        this.capacity = capacity;
        this.firstDelayNanos = firstDelay.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        this.giveUpNanos = giveUpAfter.toNanos();
        this.clock = clock;
    }

    /**
     * Keeps {@code callId} for another delete after the first delay; a call kept already stays as it is (its backoff
     * goes on). Returns false if the store is full.
     */
    boolean add(String callId, Optional<String> anchor) {
        if (calls.size() >= capacity && !calls.containsKey(callId)) {
            return false;
        }
        long now = clock.getAsLong();
        calls.putIfAbsent(callId, new Pending(callId, anchor, now, 1, now + firstDelayNanos));
        return true;
    }

    /**
     * Up to {@code max} calls whose next try is due, each rescheduled at once (the delay doubles) so that a slow reply
     * never sends the same call twice in one round. Calls past {@code giveUpAfter} are not returned but removed and
     * added to {@code givenUp}.
     */
    List<Pending> takeDue(int max, List<Pending> givenUp) {
        long now = clock.getAsLong();
        List<Pending> due = new ArrayList<>();
        for (Pending p : calls.values()) {
            if (due.size() >= max) {
                break;
            }
            if (now - p.dueNanos() < 0) {
                continue;
            }
            if (now - p.firstFailedNanos() > giveUpNanos) {
                if (calls.remove(p.callId(), p)) {
                    givenUp.add(p);
                }
                continue;
            }
            long delay = Math.min(maxDelayNanos, firstDelayNanos << Math.min(p.attempts(), 30));
            Pending next = new Pending(p.callId(), p.anchor(), p.firstFailedNanos(), p.attempts() + 1, now + delay);
            if (calls.replace(p.callId(), p, next)) {
                due.add(next);
            }
        }
        return due;
    }

    /** An RTPEngine answered the delete (deleted, or did not know the call): nothing left to do for it. */
    void confirmed(String callId) {
        calls.remove(callId);
    }

    /**
     * A new offer of {@code callId} succeeded on {@code instance}: the call RTPEngine holds there is the new one (an
     * offer for a Call-ID just deleted revives it), so a release kept for an earlier call with that Call-ID on that
     * instance (or on every instance) must not delete it. A release kept for another instance stays.
     *
     * @return whether a kept release was dropped
     */
    boolean supersededOn(String callId, String instance) {
        Pending p = calls.get(callId);
        return p != null && p.anchor().map(instance::equals).orElse(true) && calls.remove(callId, p);
    }

    boolean contains(String callId) {
        return calls.containsKey(callId);
    }

    int size() {
        return calls.size();
    }

    /** Up to {@code max} Call-IDs, for a log line. */
    List<String> sample(int max) {
        return calls.keySet().stream().limit(max).toList();
    }
}
