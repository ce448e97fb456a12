package org.sipanchor.app;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.AppConfig;
import org.sipanchor.config.RegistrarConfig;

/**
 * The bundled registrar's memory: addresses of record and their contacts, each with an expiry, as RFC
 * 3261 section 10.3 processes them. Lapsed bindings vanish on the next look at their address.
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

    private final RegistrarConfig limits;
    private final Clock clock;
    private final Map<String, Map<String, Binding>> bindings = new HashMap<>();

    @Inject
    public LocationService(AppConfig app) {
        this(app.registrar(), Clock.systemUTC());
    }

    LocationService(RegistrarConfig limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
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
        for (ContactUpdate contact : contacts) {
            int expires = requested(contact, defaultExpires);
            if (expires > 0 && expires < limits.minExpires()) {
                throw new RegistrationRejected(423, "Interval Too Brief");
            }
        }
        Map<String, Binding> current = live(normalize(aor), now);
        for (ContactUpdate contact : contacts) {
            Binding existing = current.get(contact.contact());
            if (existing != null && existing.callId().equals(callId) && existing.cseq() >= cseq) {
                throw new RegistrationRejected(500, "Out Of Order REGISTER");
            }
        }
        for (ContactUpdate contact : contacts) {
            int expires = Math.min(requested(contact, defaultExpires), limits.maxExpires());
            if (expires == 0) {
                current.remove(contact.contact());
            } else {
                current.put(contact.contact(), new Binding(contact.contact(), now.plusSeconds(expires), callId, cseq));
            }
        }
        if (current.isEmpty()) {
            bindings.remove(normalize(aor));
        }
        return List.copyOf(current.values());
    }

    /** Removes every binding of the address ({@code Contact: *} with {@code Expires: 0}). */
    public synchronized void removeAll(String aor) {
        bindings.remove(normalize(aor));
    }

    /** The live bindings of an address, oldest first; empty when it has none. */
    public synchronized List<Binding> lookup(String aor) {
        String key = normalize(aor);
        if (!bindings.containsKey(key)) {
            return List.of();
        }
        Map<String, Binding> current = live(key, clock.instant());
        if (current.isEmpty()) {
            bindings.remove(key);
        }
        return List.copyOf(current.values());
    }

    /** The bindings of an address with lapsed ones dropped; the returned map is the stored one. */
    private Map<String, Binding> live(String key, Instant now) {
        Map<String, Binding> current = bindings.computeIfAbsent(key, ignored -> new LinkedHashMap<>());
        current.values().removeIf(binding -> !binding.expires().isAfter(now));
        return current;
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
