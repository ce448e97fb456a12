package org.sipanchor.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many datagrams each source address (IP, not port: a peer picks its ports freely) has waiting in one UDP
 * listener's queue, so that while the queue is overloaded the source filling it is the one refused, not everyone.
 *
 * <p>A source's fair share is the queue split evenly between the sources that have something in it, and never less
 * than {@link #FLOOR}: a call in progress has a few datagrams in flight at once (a retransmitted INVITE, its ACK, a
 * BYE), and a caller must not be taken for a flooder over those. Two sides of the share, so that a source alone in
 * the queue (one upstream proxy, or a load generator) is still refused new calls when it alone overloads the server,
 * yet never loses the messages of its calls in progress:
 * <ul>
 * <li>{@link #holdsLessThanShare}: a new call from it is admitted while overloaded;</li>
 * <li>{@link #holdsMoreThanShare}: any other datagram from it is dropped while overloaded.</li>
 * </ul>
 *
 * <p>Counts are kept by the listener's reader threads ({@link #added}) and the SIP threads ({@link #taken});
 * a source whose count reaches zero is forgotten, so the map holds only sources with something queued. Counts up to
 * 127 are cached {@code Integer}s: a datagram allocates nothing here but, when its source had nothing queued, the
 * map's entry.
 */
final class SourceShares {

    /** The share no source falls below, in datagrams: a few calls' worth of messages in flight at once. */
    static final int FLOOR = 8;

    private final ConcurrentHashMap<InetAddress, Integer> queued = new ConcurrentHashMap<>();

    /** Counts a datagram from {@code source} into the queue; call before it is queued, so its taking finds it. */
    void added(InetAddress source) {
        queued.merge(source, 1, Integer::sum);
    }

    /** Counts a datagram from {@code source} out of the queue. */
    void taken(InetAddress source) {
        queued.computeIfPresent(source, (address, count) -> count == 1 ? null : count - 1);
    }

    /** How many datagrams from {@code source} are queued. */
    int held(InetAddress source) {
        Integer count = queued.get(source);
        return count == null ? 0 : count;
    }

    /** How many sources have something queued. */
    int sources() {
        return queued.size();
    }

    /** Whether {@code held} of {@code total} queued datagrams is less than an even share (or than {@link #FLOOR}). */
    boolean holdsLessThanShare(int held, int total) {
        return held < FLOOR || (long) held * sources() < total;
    }

    /** Whether {@code held} of {@code total} queued datagrams is more than an even share (and than {@link #FLOOR}). */
    boolean holdsMoreThanShare(int held, int total) {
        return held > FLOOR && (long) held * sources() > total;
    }

    /** Forgets every count (the queue was cleared). */
    void clear() {
        queued.clear();
    }
}
