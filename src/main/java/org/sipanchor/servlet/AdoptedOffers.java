package org.sipanchor.servlet;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Offers the proxy relayed in dialogs it adopted (orphans: see {@link OrphanRouting}), waiting for their answers. The
 * reply to such a request carries no Route to read the call's media from, but it comes back through the process that
 * relayed the request (its Via), so that process remembers what the request's Route said, for a while: bounded, and
 * each entry forgotten after {@code lifetimeNanos} (a transaction's lifetime), answered or not.
 */
final class AdoptedOffers {

    /**
     * An offer waiting for its answer.
     *
     * @param media      what the request's Route said
     * @param offererTag the tag of the party whose offer waits
     */
    record Waiting(RouteMedia media, String offererTag) {
    }

    private record Entry(Waiting waiting, long expiresNanos) {
    }

    private final int capacity;
    private final long lifetimeNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> byTransaction = new LinkedHashMap<>();

    AdoptedOffers(int capacity, long lifetimeNanos, LongSupplier clock) {
        this.capacity = capacity;
        this.lifetimeNanos = lifetimeNanos;
        this.clock = clock;
    }

    /** Remembers the offer of the request {@code method} with {@code cseq} in call {@code callId}. */
    synchronized void expect(String callId, long cseq, String method, Waiting waiting) {
        long now = clock.getAsLong();
        purge(now);
        if (byTransaction.size() >= capacity) {
            Iterator<String> oldest = byTransaction.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byTransaction.put(key(callId, cseq, method), new Entry(waiting, now + lifetimeNanos));
    }

    /** The offer that the reply (or ACK) to {@code method} with {@code cseq} answers, if one waits. */
    synchronized Optional<Waiting> find(String callId, long cseq, String method) {
        purge(clock.getAsLong());
        return Optional.ofNullable(byTransaction.get(key(callId, cseq, method))).map(Entry::waiting);
    }

    /** The offer got its final answer. */
    synchronized void answered(String callId, long cseq, String method) {
        byTransaction.remove(key(callId, cseq, method));
    }

    synchronized int size() {
        return byTransaction.size();
    }

    private void purge(long now) {
        Iterator<Entry> entries = byTransaction.values().iterator();
        while (entries.hasNext()) {
            if (now - entries.next().expiresNanos() < 0) {
                return; // in insertion order, so the rest expire later
            }
            entries.remove();
        }
    }

    private static String key(String callId, long cseq, String method) {
        return callId + " " + cseq + " " + method;
    }
}
