package org.sipanchor.engine;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The pool's local table of which instance holds which call: Call-ID to instance, bounded and with idle expiry.
 *
 * <p>It is a cache, not the source of truth: the truth travels with the call (the SIP application session keeps
 * {@link EngineReply#instance()} and passes it back as the anchor), and when both are missing the pool asks every
 * instance. So the table may forget:
 * <ul>
 *   <li><b>Bounded</b>: at most {@code capacity} entries (default 200,000, about 40 MB at worst); when full, the
 *       entry least recently used goes first.</li>
 *   <li><b>Idle expiry</b>: an entry not used for {@code idleTimeout} (default 4 hours, longer than almost any call
 *       and RTPEngine's own default of deleting silent calls after an hour) is gone; every lookup refreshes it.</li>
 * </ul>
 *
 * <pre>{@code
 * CallAnchors<String> anchors = new CallAnchors<>(200_000, Duration.ofHours(4), System::nanoTime);
 * anchors.put("a84b4c76e66710", "127.0.0.1:22222");
 * anchors.get("a84b4c76e66710");          // Optional[127.0.0.1:22222], and the entry is fresh again
 * }</pre>
 *
 * <p>Thread-safe (one lock; every operation is O(1), {@link #purgeExpired()} O(expired entries)).
 */
final class CallAnchors<V> {

    private final int capacity;
    private final long idleNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Entry<V>> map;
    private long evicted;

    private record Entry<V>(V value, long lastUsedNanos) {
    }

    CallAnchors(int capacity, Duration idleTimeout, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.capacity = capacity;
        this.idleNanos = idleTimeout.toNanos();
        this.nanoClock = nanoClock;
        // Access order: the head is always the entry least recently used, so eviction and expiry start there.
        this.map = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
                if (size() > CallAnchors.this.capacity) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /** The anchor of {@code callId}, refreshed; empty if unknown or idle for too long. */
    synchronized Optional<V> get(String callId) {
        Entry<V> e = map.get(callId);
        if (e == null) {
            return Optional.empty();
        }
        long now = nanoClock.getAsLong();
        if (now - e.lastUsedNanos > idleNanos) {
            map.remove(callId);
            return Optional.empty();
        }
        map.put(callId, new Entry<>(e.value, now));
        return Optional.of(e.value);
    }

    synchronized void put(String callId, V value) {
        map.put(callId, new Entry<>(value, nanoClock.getAsLong()));
    }

    synchronized void remove(String callId) {
        map.remove(callId);
    }

    /** Drops every entry idle for longer than the timeout; returns how many. */
    synchronized int purgeExpired() {
        long now = nanoClock.getAsLong();
        int purged = 0;
        for (Iterator<Entry<V>> it = map.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastUsedNanos <= idleNanos) {
                break; // access order: everything after this one was used more recently
            }
            it.remove();
            purged++;
        }
        return purged;
    }

    synchronized int size() {
        return map.size();
    }

    /** Entries dropped because the table was full (not counting expiry). */
    synchronized long evicted() {
        return evicted;
    }
}
