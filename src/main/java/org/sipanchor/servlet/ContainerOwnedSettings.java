package org.sipanchor.servlet;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

import org.sipanchor.config.ConfiguredKeys;

/**
 * The settings of {@code sipanchor.yaml} that belong to the container rather than to the application: the
 * distribution's launcher applies them to the embedded Restcomm, but Open Liberty takes them from its own
 * {@code server.xml}. On Liberty each one the file sets is named once at start-up, with its line and what to set
 * instead, so that nobody believes a value applied that is not.
 */
final class ContainerOwnedSettings {

    private static final Logger LOG = Logger.getLogger(ContainerOwnedSettings.class.getName());
    /** A system property that only Open Liberty sets: the name of the running server. */
    private static final String LIBERTY_MARK = "wlp.server.name";

    /** A setting and what the container has instead. */
    record Owned(String keyPath, String instead) {
    }

    static final List<Owned> ON_LIBERTY = List.of(
            new Owned("sip.listen", "set <sipEndpoint> in server.xml"),
            new Owned("sip.tls", "set sipTLSPort in <sipEndpoint> and an <ssl> key store in server.xml"),
            new Owned("sip.limits", "Liberty's SIP container enforces its own message limits"),
            new Owned("http", "set <httpEndpoint> in server.xml"),
            new Owned("log.level", "set <logging traceSpecification=\"org.sipanchor.*=...\"/> in server.xml"),
            new Owned("log.container_level", "set <logging traceSpecification=\"...\"/> in server.xml"),
            new Owned("log.loggers", "set <logging traceSpecification=\"...\"/> in server.xml"));

    private ContainerOwnedSettings() {
    }

    /** Whether the application runs on Open Liberty. */
    static boolean onLiberty() {
        return System.getProperty(LIBERTY_MARK) != null;
    }

    /** Logs a warning for each setting of {@code configFile} that the container ignores; returns them. */
    static List<String> warnIgnored(Path configFile) {
        if (!onLiberty()) {
            return List.of();
        }
        List<String> warnings = ignoredOnLiberty(ConfiguredKeys.of(configFile));
        warnings.forEach(LOG::warning);
        return warnings;
    }

    /** The warnings for the settings {@code keys} holds that Open Liberty ignores. */
    static List<String> ignoredOnLiberty(ConfiguredKeys keys) {
        return ON_LIBERTY.stream()
                .flatMap(owned -> keys.locationOf(owned.keyPath()).map(at -> at.file() + ":" + at.line() + ": "
                        + owned.keyPath() + " is ignored on Open Liberty: " + owned.instead()).stream())
                .toList();
    }
}
