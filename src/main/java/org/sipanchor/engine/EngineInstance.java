package org.sipanchor.engine;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.sipanchor.config.HostPort;
import org.sipanchor.ng.NgClient;

/**
 * One configured RTPEngine: its NG client, its health, and the calls it may hold that nobody owns
 * ({@link OrphanCalls}).
 *
 * <p>Health has two states. <b>Up</b>: takes new calls. <b>Down</b>: takes none, from the moment a ping fails or any
 * request to it times out (or its connection fails) until a ping <em>sent after that failure</em> is answered; a pong
 * to an older ping proves nothing about the failure that followed it. Calls already anchored on a down instance keep
 * being sent there: they exist nowhere else, and a short stall must not turn into lost calls.
 *
 * <p>The client is made lazily and again after a failure to make it (an unresolvable host name is "down", not fatal),
 * with {@code clientFactory}.
 */
final class EngineInstance {

    private static final System.Logger LOG = System.getLogger(EngineInstance.class.getName());
    private static final String NOT_CHECKED = "not checked yet";
    /** Enough that the SIP threads offering different calls at once seldom share one. */
    private static final int CALL_LOCK_STRIPES = 256;

    private final HostPort address;
    private final String name;
    private final int weight;
    private final Function<EngineInstance, NgClient> clientFactory;
    private final OrphanCalls orphans;
    private final Object[] callLocks = new Object[CALL_LOCK_STRIPES];
    private final AtomicBoolean pingInFlight = new AtomicBoolean();
    private volatile NgClient client;
    private volatile boolean closed;

    // Health, guarded by this.
    private volatile boolean up;
    private String lastError;
    private Instant since;
    private long lastFailureNanos;

    EngineInstance(HostPort address, int weight, Function<EngineInstance, NgClient> clientFactory, int orphanCapacity) {
        this.address = address;
        this.name = address.toString();
        this.weight = weight;
        this.clientFactory = clientFactory;
        this.orphans = new OrphanCalls(orphanCapacity);
        Arrays.setAll(callLocks, i -> new Object());
        this.since = Instant.now();
        this.lastError = NOT_CHECKED;
        this.lastFailureNanos = System.nanoTime();
    }

    HostPort address() {
        return address;
    }

    /** {@code host:port} as configured: the anchor string, and the {@code instance} label of metrics. */
    String name() {
        return name;
    }

    int weight() {
        return weight;
    }

    boolean isUp() {
        return up;
    }

    OrphanCalls orphans() {
        return orphans;
    }

    /**
     * The lock under which a Call-ID's offer is checked against, and sent after, the deletes of that Call-ID on this
     * instance (orphan deletes, release retries), so the instance gets them in that order. One of a fixed set, by
     * Call-ID: one lock for the whole instance made every offer wait for every other offer's send.
     */
    Object callLock(String callId) {
        return callLocks[Math.floorMod(callId.hashCode(), callLocks.length)];
    }

    AtomicBoolean pingInFlight() {
        return pingInFlight;
    }

    /** The NG client, made now if there is none yet; empty (and the instance down) if it cannot be made. */
    Optional<NgClient> client() {
        NgClient c = client;
        if (c != null || closed) {
            return Optional.ofNullable(c);
        }
        synchronized (this) {
            if (client == null && !closed) {
                try {
                    client = clientFactory.apply(this);
                } catch (RuntimeException e) {
                    markDown("cannot open an NG client: " + e.getMessage());
                }
            }
            return Optional.ofNullable(client);
        }
    }

    /**
     * A ping sent at {@code pingSentNanos} was answered. Puts the instance back in rotation unless it failed after
     * that ping was sent. Returns whether the instance is up now.
     */
    boolean pingAnswered(long pingSentNanos) {
        boolean first;
        synchronized (this) {
            if (pingSentNanos - lastFailureNanos < 0) {
                return up; // the pong predates the latest failure: wait for the next round
            }
            if (up) {
                return true;
            }
            up = true;
            since = Instant.now();
            first = NOT_CHECKED.equals(lastError);
            if (first) {
                lastError = null;
            }
        }
        LOG.log(System.Logger.Level.INFO, "rtpengine " + name + (first ? " is up" : " is up again: back in rotation"));
        return true;
    }

    /** Takes the instance out of rotation (if it was in), remembering why. */
    void markDown(String reason) {
        boolean changed;
        synchronized (this) {
            lastFailureNanos = System.nanoTime();
            lastError = reason;
            changed = up;
            if (up) {
                up = false;
                since = Instant.now();
            }
        }
        if (changed) {
            LOG.log(System.Logger.Level.WARNING, "rtpengine " + name + " is down, no new calls until it answers a "
                    + "ping: " + reason);
        }
    }

    synchronized EngineStatus status() {
        return new EngineStatus(name, weight, up, Optional.ofNullable(lastError), since);
    }

    void close() {
        NgClient c;
        synchronized (this) {
            closed = true;
            c = client;
            up = false;
        }
        if (c != null) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "rtpengine " + name;
    }
}
