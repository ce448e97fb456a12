package org.sipanchor.servlet;

import java.nio.file.Path;

import javax.servlet.ServletContext;

/**
 * Finds the configuration file of a deployed application, first match wins: the system property
 * {@code sipanchor.config} (set by the embedded launcher), the environment variable
 * {@code SIPANCHOR_CONFIG}, the context parameter {@code sipanchor.config}, and finally the container's own
 * configuration folder: {@code sipanchor.yaml} in an Open Liberty server's folder ({@code server.config.dir}, next to
 * its {@code server.xml}), else {@code server-config/sipanchor.yaml} under Restcomm's {@code catalina.base}.
 */
final class ConfigSource {

    static final String PROPERTY = "sipanchor.config";
    static final String ENVIRONMENT = "SIPANCHOR_CONFIG";
    /** Open Liberty's system property for the folder of the server's {@code server.xml}. */
    static final String LIBERTY_CONFIG_DIR = "server.config.dir";

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
            String libertyServer = System.getProperty(LIBERTY_CONFIG_DIR);
            if (libertyServer != null && !libertyServer.isBlank()) {
                return Path.of(libertyServer, "sipanchor.yaml");
            }
            return Path.of(System.getProperty("catalina.base", "."), "server-config", "sipanchor.yaml");
        }
        return Path.of(location);
    }
}
