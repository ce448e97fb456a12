package org.sipanchor.config;

/** One RTPEngine's NG control address and its share of new calls. */
public record EngineInstanceConfig(HostPort address, int weight) {

    public EngineInstanceConfig {
        if (weight <= 0) {
            throw new IllegalArgumentException("weight must be greater than 0 (got " + weight + ")");
        }
    }
}
