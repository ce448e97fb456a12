package org.sipanchor.servlet;

import java.util.List;

import javax.servlet.sip.URI;

/**
 * Where a proxy sends a new request: one branch per destination, in parallel; none means 404.
 *
 * <pre>{@code
 * ProxyTargets.to(List.of(contactA, contactB));   // fork to two registered contacts
 * ProxyTargets.none();                            // 404
 * }</pre>
 *
 * A destination is the branch's Request-URI. (A next hop reached through a pushed Route header would be the
 * other way, but Restcomm 3.2.0-37 sends a branch's CANCEL to the Request-URI without that Route: the CANCEL
 * would never reach the callee.)
 */
public record ProxyTargets(List<URI> destinations) {

    public ProxyTargets {
        destinations = List.copyOf(destinations);
    }

    public static ProxyTargets to(List<? extends URI> destinations) {
        return new ProxyTargets(List.copyOf(destinations));
    }

    public static ProxyTargets none() {
        return new ProxyTargets(List.of());
    }

    public boolean isEmpty() {
        return destinations.isEmpty();
    }
}
