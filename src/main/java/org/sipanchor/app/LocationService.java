package org.sipanchor.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
 * address.
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
    /** Address to its contacts, least recently refreshed first. */
    private final Map<String, Map<String, Binding>> bindings = new HashMap<>();
    private int total;
    private final ScheduledExecutorService purger;

    @Inject
    public LocationService(AppConfig app) {
        this.limits = app.registrar();
        this.clock = Clock.systemUTC();
        this.purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sipanchor-registrar-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purgeQuietly, PURGE_INTERVAL.toSeconds(), PURGE_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    LocationService(RegistrarConfig limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.purger = null;
    }

    @PreDestroy
    void stop() {
        if (purger != null) {
            purger.shutdownNow();
        }
    }

    /**
     * Applies the contacts of one REGISTER to an address of record.
     *
     * @param defaultExpires the REGISTER's Expires header, or -1 when it has none
     * @return the bindings of the address after the update
     * @throws RegistrationRejected 423 when an expiry is below the minimum, 500 for an out-of-order refresh
     */
    public synchronized List<Binding> update(String aor, List<ContactUpdate> contacts, int defaultExpires, String callId,
            long cseq) throws RegistrationRejected {
        Instant now = clock.instant();
        Set<String> added = new HashSet<>();
        for (ContactUpdate contact : contacts) {
            int expires = requested(contact, defaultExpires);
            if (expires > 0 && expires < limits.minExpires()) {
                throw new RegistrationRejected(423, "Interval Too Brief");
            }
            if (expires > 0) {
                added.add(contact.contact());
            }
        }
        // one REGISTER asking for more than the limit cannot be met by pushing out older contacts
        if (added.size() > limits.maxContactsPerUser()) {
            throw new RegistrationRejected(403, "Too Many Contacts");
        }
        String key = normalize(aor);
        Map<String, Binding> current = live(key, now);
        for (ContactUpdate contact : contacts) {
            Binding existing = current.get(contact.contact());
            if (existing != null && existing.callId().equals(callId) && existing.cseq() >= cseq) {
                dropIfEmpty(key, current);
                throw new RegistrationRejected(500, "Out Of Order REGISTER");
            }
        }
        added.removeAll(current.keySet());
        long removed = contacts.stream().filter(c -> requested(c, defaultExpires) == 0 && current.containsKey(c.contact())).count();
        int afterUpdate = (int) (current.size() + added.size() - removed);
        int growth = Math.min(afterUpdate, limits.maxContactsPerUser()) - current.size();
        if (growth > 0 && total + growth > limits.maxBindings()) {
            dropIfEmpty(key, current);
            throw new RegistrationRejected(503, "Registrar Full", OptionalInt.of(FULL_RETRY_AFTER_SECS));
        }
        for (ContactUpdate contact : contacts) {
            int expires = Math.min(requested(contact, defaultExpires), limits.maxExpires());
            // removed first, so that a refresh moves to the end: the order is that of the last refresh
            if (current.remove(contact.contact()) != null) {
                total--;
            }
            if (expires > 0) {
                current.put(contact.contact(), new Binding(contact.contact(), now.plusSeconds(expires), callId, cseq));
                total++;
            }
        }
        Iterator<String> oldest = current.keySet().iterator();
        while (current.size() > limits.maxContactsPerUser()) {
            String pushedOut = oldest.next();
            oldest.remove();
            total--;
            LOG.fine(() -> "call-id=" + callId + " " + key + " has more than " + limits.maxContactsPerUser()
                    + " contacts: " + pushedOut + " goes");
        }
        dropIfEmpty(key, current);
        return List.copyOf(current.values());
    }

    /** How many bindings the registrar holds in all, lapsed ones not yet purged included. */
    public synchronized int size() {
        return total;
    }

    /**
     * Drops every lapsed binding (the timer calls this every {@link #PURGE_INTERVAL}).
     *
     * @return how many went
     */
    public synchronized int purgeExpired() {
        Instant now = clock.instant();
        int before = total;
        Iterator<Map.Entry<String, Map<String, Binding>>> addresses = bindings.entrySet().iterator();
        while (addresses.hasNext()) {
            Map<String, Binding> contacts = addresses.next().getValue();
            dropLapsed(contacts, now);
            if (contacts.isEmpty()) {
                addresses.remove();
            }
        }
        return before - total;
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

    /** Removes every binding of the address ({@code Contact: *} with {@code Expires: 0}). */
    public synchronized void removeAll(String aor) {
        Map<String, Binding> gone = bindings.remove(normalize(aor));
        if (gone != null) {
            total -= gone.size();
        }
    }

    /** The live bindings of an address, the one refreshed longest ago first; empty when it has none. */
    public synchronized List<Binding> lookup(String aor) {
        String key = normalize(aor);
        if (!bindings.containsKey(key)) {
            return List.of();
        }
        Map<String, Binding> current = live(key, clock.instant());
        List<Binding> result = List.copyOf(current.values());
        dropIfEmpty(key, current);
        return result;
    }

    /** The bindings of an address with lapsed ones dropped; the returned map is the stored one. */
    private Map<String, Binding> live(String key, Instant now) {
        Map<String, Binding> current = bindings.computeIfAbsent(key, ignored -> new LinkedHashMap<>());
        dropLapsed(current, now);
        return current;
    }

    private void dropLapsed(Map<String, Binding> contacts, Instant now) {
        Iterator<Binding> each = contacts.values().iterator();
        while (each.hasNext()) {
            if (!each.next().expires().isAfter(now)) {
                each.remove();
                total--;
            }
        }
    }

    /** An address without contacts takes no memory. */
    private void dropIfEmpty(String key, Map<String, Binding> contacts) {
        if (contacts.isEmpty()) {
            bindings.remove(key);
        }
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
