package org.sipanchor.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls one instance may hold although no caller owns them there any more: an offer that timed out or ran out of
 * ports (and was retried elsewhere, or failed), a delete that timed out, or a delete of an unanchored call that the
 * instance was down for. The pool deletes them on that instance as soon as it answers a ping again, so that no
 * session leaks when an instance was frozen, overloaded or cut off for a while.
 *
 * <p>Each entry remembers when it was recorded: only a ping <em>sent after that</em> proves the instance has caught up
 * with the request that may have created the call (it answers in order of arrival), so only then is a "not found"
 * reply to the delete trusted. Bounded, so that an instance gone for good cannot grow it without end: beyond
 * {@code capacity} entries new ones are refused, and the caller reports the Call-ID that may leak.
 *
 * <pre>{@code
 * orphans.record("a84b4c76e66710");                       // the offer to this instance timed out
 * for (var o : orphans.recordedBefore(pingSentNanos, 64)) // after a pong to that ping
 *     delete(o.callId()).thenRun(() -> orphans.remove(o));
 * }</pre>
 */
final class OrphanCalls {

    /** One call to delete, and when it became an orphan ({@link System#nanoTime()}). */
    record Orphan(String callId, long recordedNanos) {
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Long> calls = new ConcurrentHashMap<>();

    OrphanCalls(int capacity) {
        this.capacity = capacity;
    }

    /** Records {@code callId}; returns the entry, or null if the set is full. */
    Orphan record(String callId) {
        if (calls.size() >= capacity && !calls.containsKey(callId)) {
            return null;
        }
        long now = System.nanoTime();
        calls.put(callId, now);
        return new Orphan(callId, now);
    }

    /** Removes the entry, unless it was recorded again meanwhile (then the newer one must still be handled). */
    void remove(Orphan orphan) {
        calls.remove(orphan.callId(), orphan.recordedNanos());
    }

    /** Forgets {@code callId} whatever its age: the call was anchored on this instance again, legitimately. */
    void forget(String callId) {
        calls.remove(callId);
    }

    /** Whether {@code orphan} is still to be deleted (not forgotten, not recorded again). */
    boolean contains(Orphan orphan) {
        return Long.valueOf(orphan.recordedNanos()).equals(calls.get(orphan.callId()));
    }

    /** Up to {@code max} entries recorded before {@code nanos}. */
    List<Orphan> recordedBefore(long nanos, int max) {
        List<Orphan> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : calls.entrySet()) {
            if (out.size() >= max) {
                break;
            }
            if (e.getValue() - nanos < 0) {
                out.add(new Orphan(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    int size() {
        return calls.size();
    }
}
