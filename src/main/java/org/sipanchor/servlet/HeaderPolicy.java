package org.sipanchor.servlet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.servlet.sip.SipServletMessage;

/**
 * Which headers a B2BUA copies from a message it receives on one leg to the message it sends on the other. The
 * default, {@link #topologyHiding()}, lets through only what the far end needs to understand the call and reveals
 * nothing of the network behind the B2BUA: no Via, Record-Route, Route, Contact, Call-ID or tag ever crosses
 * (those {@link #NEVER_CROSSING} cannot be allowed at all), and neither do User-Agent, Server, Warning or any
 * private header unless an application says so.
 *
 * <pre>{@code
 * protected HeaderPolicy headerPolicy(SipServletMessage received) {
 *     return HeaderPolicy.topologyHiding().allowing("X-Account-Id", "User-Agent");
 * }
 * }</pre>
 *
 * From and To are not headers in this sense: a B-leg INVITE carries the caller's From and To display names and
 * URIs with tags of its own. The message body crosses with its Content-Type (SDP rewritten by RTPEngine).
 *
 * @param crossing lower-case names of the headers that cross
 */
public record HeaderPolicy(Set<String> crossing) implements java.io.Serializable {

    /** Headers that belong to one leg's transaction or dialog, or to the container, and never cross. */
    public static final Set<String> NEVER_CROSSING = Set.of("via", "record-route", "route", "contact", "call-id",
            "cseq", "from", "to", "max-forwards", "content-length", "content-type", "path", "rseq", "rack");

    /** What {@link #topologyHiding()} lets through. */
    private static final Set<String> SAFE = Set.of(
            // capabilities and extensions the far end negotiates with
            "allow", "allow-events", "supported", "require", "unsupported", "accept", "accept-encoding",
            "accept-language",
            // identity as asserted inside a trust domain, and the caller's wishes about it
            "p-asserted-identity", "privacy",
            // session timers (RFC 4028): refreshes cross, so the endpoints keep negotiating them
            "session-expires", "min-se",
            // call description
            "subject", "priority", "expires", "reason",
            // in-dialog features: transfer, events, INFO packages
            "refer-to", "referred-by", "event", "subscription-state", "info-package", "recv-info",
            // retries and registrations
            "retry-after", "min-expires",
            // the body's own description (its Content-Type travels with it)
            "content-disposition", "content-encoding", "content-language");

    /** Compact forms (RFC 3261 section 7.3.3 and extensions) of the names above. */
    private static final Map<String, String> COMPACT = Map.ofEntries(Map.entry("i", "call-id"), Map.entry("m", "contact"),
            Map.entry("e", "content-encoding"), Map.entry("l", "content-length"), Map.entry("c", "content-type"),
            Map.entry("f", "from"), Map.entry("s", "subject"), Map.entry("k", "supported"), Map.entry("t", "to"),
            Map.entry("v", "via"), Map.entry("o", "event"), Map.entry("r", "refer-to"), Map.entry("b", "referred-by"),
            Map.entry("x", "session-expires"), Map.entry("u", "allow-events"));

    /** Built once, being immutable and asked for on every relayed message; declared after what its constructor uses. */
    private static final HeaderPolicy TOPOLOGY_HIDING = new HeaderPolicy(SAFE);

    public HeaderPolicy {
        Set<String> names = new TreeSet<>();
        for (String name : crossing) {
            String normalized = normalize(name);
            if (NEVER_CROSSING.contains(normalized)) {
                throw new IllegalArgumentException(name + " never crosses from one leg to the other");
            }
            names.add(normalized);
        }
        crossing = Collections.unmodifiableSet(names);
    }

    /** Only the safe set crosses: capabilities, asserted identity, session timers, in-dialog features. */
    public static HeaderPolicy topologyHiding() {
        return TOPOLOGY_HIDING;
    }

    /** Exactly these headers cross. */
    public static HeaderPolicy only(String... names) {
        return new HeaderPolicy(Set.of(names));
    }

    /** This policy, with more headers crossing. */
    public HeaderPolicy allowing(String... names) {
        Set<String> more = new TreeSet<>(crossing);
        for (String name : names) {
            more.add(normalize(name));
        }
        return new HeaderPolicy(more);
    }

    /** This policy, with some headers kept back. */
    public HeaderPolicy without(String... names) {
        Set<String> fewer = new TreeSet<>(crossing);
        for (String name : names) {
            fewer.remove(normalize(name));
        }
        return new HeaderPolicy(fewer);
    }

    /** Whether a header of this name crosses (names compare without case; compact forms count as their long form). */
    public boolean crosses(String name) {
        return crossing.contains(normalize(name));
    }

    /**
     * Copies every crossing header of {@code received} onto {@code outgoing}, replacing what the container put
     * there under the same name.
     */
    public void copy(SipServletMessage received, SipServletMessage outgoing) {
        List<String> names = new ArrayList<>();
        received.getHeaderNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!crosses(name)) {
                continue;
            }
            List<String> values = new ArrayList<>();
            ListIterator<String> each = received.getHeaders(name);
            each.forEachRemaining(values::add);
            if (values.isEmpty()) {
                continue;
            }
            outgoing.setHeader(name, values.get(0));
            for (String value : values.subList(1, values.size())) {
                outgoing.addHeader(name, value);
            }
        }
    }

    private static String normalize(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return COMPACT.getOrDefault(lower, lower);
    }
}
