package org.sipanchor.app;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.AppConfig;
import org.sipanchor.config.RegistrarConfig;

/**
 * The bundled registrar's memory: addresses of record and their contacts, each with an expiry, as RFC
 * 3261 section 10.3 processes them, within bounds so that no user can exhaust the memory others need: at most
 * {@code app.registrar.max_contacts_per_user} contacts per address (a new contact pushes out the one refreshed longest
 * ago, so a phone that restarts on a new port is never locked out by its own stale bindings), at most
 * {@code max_bindings} in all (past it a REGISTER that adds a contact gets 503 with Retry-After, while refreshes and
 * removals go on), and lapsed bindings are purged every {@link #PURGE_INTERVAL} as well as on each look at their
 * address. The bindings live in this node's memory, or with {@code app.registrar.store: "redis://..."} in a Redis server
 * that the nodes of a farm share ({@link RedisRegistrationStore}): a REGISTER through one node is found by an INVITE
 * through another. A store that cannot be reached makes every method throw {@link LocationUnavailableException}.
 *
 * <pre>{@code
 * locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.2:5062", 600)), callId, 1);
 * locations.lookup("sip:bob@example.com");   // [Binding[contact=sip:bob@10.0.0.2:5062, ...]]
 * }</pre>
 */
@Singleton
public class LocationService {

    /** One Contact of a REGISTER; {@code expires} is what the user agent asked for, or -1 when it said nothing. */
    public record ContactUpdate(String contact, int expires) {
    }

    /** How often lapsed bindings are purged: users that are never looked up must not keep memory. */
    static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);
    /** What a REGISTER refused for want of room is told: about when a purge may have made some. */
    static final int FULL_RETRY_AFTER_SECS = 60;

    private static final Logger LOG = Logger.getLogger(LocationService.class.getName());

    private final RegistrarConfig limits;
    private final Clock clock;
    private final RegistrationStore store;
    private final ScheduledExecutorService purger;

    @Inject
    public LocationService(AppConfig app) {
        this.limits = app.registrar();
        this.clock = Clock.systemUTC();
        this.store = limits.store().<RegistrationStore>map(config -> new RedisRegistrationStore(config, limits))
                .orElseGet(() -> new MemoryRegistrationStore(limits));
        LOG.info(() -> "registrar bindings kept in " + store.describe());
        this.purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sipanchor-registrar-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purgeQuietly, PURGE_INTERVAL.toSeconds(), PURGE_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    /** In memory, on a clock of the caller's, without the purge timer. */
    LocationService(RegistrarConfig limits, Clock clock) {
        this(limits, clock, new MemoryRegistrationStore(limits));
    }

    /** On a store and a clock of the caller's, without the purge timer. */
    LocationService(RegistrarConfig limits, Clock clock, RegistrationStore store) {
        this.limits = limits;
        this.clock = clock;
        this.store = store;
        this.purger = null;
    }

    @PreDestroy
    void stop() {
        if (purger != null) {
            purger.shutdownNow();
        }
        store.close();
    }

    /**
     * Applies the contacts of one REGISTER to an address of record.
     *
     * @param defaultExpires the REGISTER's Expires header, or -1 when it has none
     * @return the bindings of the address after the update
     * @throws RegistrationRejected 423 when an expiry is below the minimum, 403 for more contacts than a user may
     *         have, 500 for an out-of-order refresh, 503 when the registrar is full
     * @throws LocationUnavailableException when the store cannot be reached
     */
    public List<Binding> update(String aor, List<ContactUpdate> contacts, int defaultExpires, String callId,
            long cseq) throws RegistrationRejected {
        Set<String> added = new HashSet<>();
        List<RegistrationStore.Change> changes = new ArrayList<>();
        for (ContactUpdate contact : contacts) {
            int expires = requested(contact, defaultExpires);
            if (expires > 0 && expires < limits.minExpires()) {
                throw new RegistrationRejected(423, "Interval Too Brief");
            }
            if (expires > 0) {
                added.add(contact.contact());
            }
            changes.add(new RegistrationStore.Change(contact.contact(), Math.min(expires, limits.maxExpires())));
        }
        // one REGISTER asking for more than the limit cannot be met by pushing out older contacts
        if (added.size() > limits.maxContactsPerUser()) {
            throw new RegistrationRejected(403, "Too Many Contacts");
        }
        return store.update(normalize(aor), changes, callId, cseq, clock.instant());
    }

    /**
     * How many bindings the registrar holds in all (in memory, lapsed ones not yet purged included).
     *
     * @throws LocationUnavailableException when the store cannot be reached
     */
    public int size() {
        return store.size(clock.instant());
    }

    /**
     * Drops every lapsed binding (the timer calls this every {@link #PURGE_INTERVAL}).
     *
     * @return how many went
     * @throws LocationUnavailableException when the store cannot be reached
     */
    public int purgeExpired() {
        return store.purgeExpired(clock.instant());
    }

    private void purgeQuietly() {
        try {
            int purged = purgeExpired();
            if (purged > 0) {
                LOG.fine(() -> "purged " + purged + " lapsed binding(s)");
            }
        } catch (RuntimeException e) {
            // a failed purge must not end the timer: the next one tries again
            LOG.log(Level.WARNING, "purging lapsed bindings failed: " + e, e);
        }
    }

    /**
     * Removes every binding of the address ({@code Contact: *} with {@code Expires: 0}).
     *
     * @throws LocationUnavailableException when the store cannot be reached
     */
    public void removeAll(String aor) {
        store.removeAll(normalize(aor));
    }

    /**
     * The live bindings of an address, the one refreshed longest ago first; empty when it has none.
     *
     * @throws LocationUnavailableException when the store cannot be reached: never an empty answer for it
     */
    public List<Binding> lookup(String aor) {
        return store.lookup(normalize(aor), clock.instant());
    }

    private int requested(ContactUpdate contact, int defaultExpires) {
        if (contact.expires() >= 0) {
            return contact.expires();
        }
        return defaultExpires >= 0 ? defaultExpires : limits.defaultExpires();
    }

    /**
     * Addresses of record compare by scheme, user and host (RFC 3261 section 10.3 step 5), so
     * {@code sip:Bob@Example.com:5060;transport=tcp} and {@code sip:Bob@example.com} are the same.
     */
    static String normalize(String aor) {
        String uri = aor.trim();
        int angle = uri.indexOf('<');
        if (angle >= 0) {
            uri = uri.substring(angle + 1, uri.indexOf('>', angle));
        }
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase() : "sip";
        String rest = colon > 0 ? uri.substring(colon + 1) : uri;
        int end = indexOfAny(rest, ";?>");
        if (end >= 0) {
            rest = rest.substring(0, end);
        }
        int at = rest.lastIndexOf('@');
        String user = at >= 0 ? rest.substring(0, at) : "";
        String hostPort = at >= 0 ? rest.substring(at + 1) : rest;
        String host = hostPort.startsWith("[") ? hostPort.substring(0, hostPort.indexOf(']') + 1)
                : (hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort);
        return scheme + ":" + (user.isEmpty() ? "" : user + "@") + host.toLowerCase();
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
