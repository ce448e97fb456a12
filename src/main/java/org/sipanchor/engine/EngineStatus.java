package org.sipanchor.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one RTPEngine instance, as {@link EnginePool#instances()} reports it.
 *
 * <pre>{@code
 * for (EngineStatus s : pool.instances()) {
 *     log.info(s.address() + (s.up() ? " up" : " down: " + s.lastError().orElse("?")) + " since " + s.since());
 * }
 * }</pre>
 *
 * @param address   the configured NG address, {@code host:port}
 * @param weight    its share of new calls
 * @param up        whether it takes new calls now
 * @param lastError the last failure seen (kept after the instance came back, for the operator)
 * @param since     when {@code up} last changed (the pool's start for an instance that never changed)
 */
public record EngineStatus(String address, int weight, boolean up, Optional<String> lastError, Instant since) {

    public EngineStatus {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(since, "since");
    }
}
