package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipanchor.app.CallRouting;
import org.sipanchor.app.LocationService;
import org.sipanchor.app.LocationService.ContactUpdate;
import org.sipanchor.config.AppConfig;
import org.sipanchor.config.LogConfig;
import org.sipanchor.config.SipAnchorConfig;

/**
 * sipanchor's beans and the bundled application's, wired by a real Weld container through Arquillian:
 * what the application gets injected when it starts.
 */
@ExtendWith(ArquillianExtension.class)
@DisplayName("The CDI beans")
class CdiBeansTest {

    /** Stands in for {@link ConfigBeans}, which needs the loaded file: the same types, from YAML. */
    @Singleton
    static class TestConfiguration {
        private final SipAnchorConfig config = SipAnchorConfig.parse(
                "app:\n  next_hop: \"sip:127.0.0.1:5090\"\nlog:\n  sip_trace: true\n", "test.yaml", Map.of());

        @Produces
        AppConfig app() {
            return config.app();
        }

        @Produces
        LogConfig log() {
            return config.log();
        }
    }

    @Deployment
    static JavaArchive beans() {
        return ShrinkWrap.create(JavaArchive.class)
                .addClasses(SipAnchorBeans.CLASSES.toArray(Class<?>[]::new))
                .addClasses(LocationService.class, CallRouting.class, TestConfiguration.class)
                // jakarta.inject.Singleton is not bean-defining, so the beans are discovered as in production: all listed
                .addAsManifestResource(new StringAsset("<beans bean-discovery-mode=\"all\"/>"), "beans.xml");
    }

    @Inject
    LocationService locations;
    @Inject
    LocationService sameLocations;
    @Inject
    CallRouting routing;
    @Inject
    AppConfig app;

    @Test
    @DisplayName("share one location service across every injection point")
    void oneLocationService() throws Exception {
        assertSame(locations, sameLocations);
        locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.2", -1)), -1, "c", 1);
        assertEquals(1, sameLocations.lookup("sip:bob@example.com").size());
    }

    @Test
    @DisplayName("inject configuration sections into the beans that use them")
    void configurationInjected() {
        assertEquals("sip:127.0.0.1:5090", app.nextHop().orElseThrow());
        assertEquals(7200, app.registrar().maxExpires());
    }
}
