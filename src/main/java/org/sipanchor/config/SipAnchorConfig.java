package org.sipanchor.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole of {@code server-config/sipanchor.yaml}, validated. Every section has defaults that bind to
 * loopback only, so an empty file gives a server that talks to nothing but this host.
 *
 * <pre>{@code
 * SipAnchorConfig config = SipAnchorConfig.load(Path.of("server-config/sipanchor.yaml"));
 * config.media().rtpengine().instances();   // [127.0.0.1:22222 weight 1]
 * }</pre>
 *
 * @param source the file this was read from, for messages
 */
public record SipAnchorConfig(SipConfig sip, AppConfig app, MediaConfig media, MetricsConfig metrics,
        HttpConfig http, LogConfig log, String source) {

    /** Reads and validates a file, with {@code ${VAR}} placeholders taken from the process environment. */
    public static SipAnchorConfig load(Path file) {
        return new ConfigLoader(System.getenv()).load(file);
    }

    /** Reads and validates a file, with {@code ${VAR}} placeholders taken from {@code environment}. */
    public static SipAnchorConfig load(Path file, Map<String, String> environment) {
        return new ConfigLoader(environment).load(file);
    }

    /** Reads and validates YAML text; {@code source} names it in error messages. */
    public static SipAnchorConfig parse(String yaml, String source, Map<String, String> environment) {
        return new ConfigLoader(environment).parse(yaml, source);
    }
}
