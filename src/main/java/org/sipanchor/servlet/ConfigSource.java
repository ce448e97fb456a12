package org.sipanchor.servlet;

import java.nio.file.Path;

import javax.servlet.ServletContext;

/**
 * Finds the configuration file of a deployed application, first match wins: the system property
 * {@code sipanchor.config} (set by the embedded launcher), the environment variable
 * {@code SIPANCHOR_CONFIG}, the context parameter {@code sipanchor.config}, and finally
 * {@code server-config/sipanchor.yaml} under the container's {@code catalina.base}.
 */
final class ConfigSource {

    static final String PROPERTY = "sipanchor.config";
    static final String ENVIRONMENT = "SIPANCHOR_CONFIG";

    private ConfigSource() {
    }

    static Path locate(ServletContext context) {
        String location = System.getProperty(PROPERTY);
        if (location == null || location.isBlank()) {
            location = System.getenv(ENVIRONMENT);
        }
        if (location == null || location.isBlank()) {
            location = context.getInitParameter(PROPERTY);
        }
        if (location == null || location.isBlank()) {
            return Path.of(System.getProperty("catalina.base", "."), "server-config", "sipanchor.yaml");
        }
        return Path.of(location);
    }
}
