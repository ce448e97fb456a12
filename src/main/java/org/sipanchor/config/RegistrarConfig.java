package org.sipanchor.config;

import java.util.Optional;

/**
 * The bundled registrar's bounds. Expiries in seconds (RFC 3261 section 10.3): a REGISTER asking for less than
 * {@code minExpires} gets 423 Interval Too Brief, more than {@code maxExpires} is cut down, and none at all gets
 * {@code defaultExpires}. Memory: a user keeps at most {@code maxContactsPerUser} contacts (a new one pushes out
 * the one refreshed longest ago), and the registrar holds at most {@code maxBindings} in all (past it, a REGISTER
 * that adds a contact gets 503 with Retry-After; refreshes and removals still work). {@code store}: where the bindings
 * live when several nodes share them (Redis); empty, in this node's memory.
 */
public record RegistrarConfig(int minExpires, int maxExpires, int defaultExpires, int maxContactsPerUser, int maxBindings,
        Optional<RegistrarStoreConfig> store) {

    public static final RegistrarConfig DEFAULTS = new RegistrarConfig(60, 7200, 3600, 10, 100_000);

    /** A registrar that keeps its bindings in this node's memory. */
    public RegistrarConfig(int minExpires, int maxExpires, int defaultExpires, int maxContactsPerUser, int maxBindings) {
        this(minExpires, maxExpires, defaultExpires, maxContactsPerUser, maxBindings, Optional.empty());
    }
}
