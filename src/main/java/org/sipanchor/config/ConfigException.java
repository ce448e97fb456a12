package org.sipanchor.config;

/**
 * A configuration value that cannot be used, reported the way an operator can act on it:
 * the file, the line, the key path and what is wrong.
 *
 * <pre>
 * server-config/sipanchor.yaml:14: media.rtpengine.instances[1].weight: must be greater than 0 (got 0)
 * </pre>
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ConfigLocation location;

    public ConfigException(ConfigLocation location, String problem) {
        super(location + ": " + problem);
        this.location = location;
    }

    public ConfigException(ConfigLocation location, String problem, Throwable cause) {
        super(location + ": " + problem, cause);
        this.location = location;
    }

    /** Where the bad value is. */
    public ConfigLocation location() {
        return location;
    }
}
