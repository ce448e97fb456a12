package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import javax.servlet.ServletContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where a deployed application finds sipanchor.yaml when nothing names it: the container's own config folder. */
@DisplayName("The configuration file of a deployed application")
class ConfigSourceTest {

    /** A servlet context without context parameters: the application's web.xml names no configuration. */
    private static final ServletContext NO_PARAMETERS = (ServletContext) java.lang.reflect.Proxy.newProxyInstance(
            ServletContext.class.getClassLoader(), new Class<?>[] {ServletContext.class}, (proxy, method, args) -> null);

    @AfterEach
    void clearProperties() {
        System.clearProperty(ConfigSource.LIBERTY_CONFIG_DIR);
    }

    @Test
    @DisplayName("on Open Liberty, is sipanchor.yaml next to the server's server.xml (server.config.dir)")
    void nextToLibertysServerXml() {
        System.setProperty(ConfigSource.LIBERTY_CONFIG_DIR, "/opt/wlp/usr/servers/edge/");
        assertEquals(Path.of("/opt/wlp/usr/servers/edge/sipanchor.yaml"), ConfigSource.locate(NO_PARAMETERS));
    }

    @Test
    @DisplayName("the sipanchor.config property still wins on Liberty")
    void propertyWins() {
        System.setProperty(ConfigSource.LIBERTY_CONFIG_DIR, "/opt/wlp/usr/servers/edge/");
        System.setProperty(ConfigSource.PROPERTY, "/etc/sipanchor/edge.yaml");
        try {
            assertEquals(Path.of("/etc/sipanchor/edge.yaml"), ConfigSource.locate(NO_PARAMETERS));
        } finally {
            System.clearProperty(ConfigSource.PROPERTY);
        }
    }
}
