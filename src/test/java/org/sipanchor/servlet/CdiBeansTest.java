package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipanchor.app.CallRouting;
import org.sipanchor.app.LocationService;
import org.sipanchor.app.LocationService.ContactUpdate;
import org.sipanchor.config.AppConfig;
import org.sipanchor.config.LogConfig;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.MetricsConfig;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.media.Answer;
import org.sipanchor.media.MediaCall;
import org.sipanchor.media.MediaProfiles;
import org.sipanchor.media.Offer;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.Sipp;

/**
 * sipanchor's beans and the bundled application's, wired by a real Weld container through Arquillian, talking
 * to a real RTPEngine: what an application gets injected when it starts.
 */
@ExtendWith(ArquillianExtension.class)
@DisplayName("The CDI beans")
class CdiBeansTest {

    /** Started before Weld boots, since the configuration names its address. */
    static final RtpEngineDaemon RTPENGINE = RtpEngineDaemon.builder().start();

    /** Stands in for {@link ConfigBeans}, which needs the loaded file: the same types, from YAML. */
    @Singleton
    static class TestConfiguration {
        private final SipAnchorConfig config = SipAnchorConfig.parse("""
                app:
                  next_hop: "sip:127.0.0.1:5090"
                media:
                  rtpengine:
                    address: "%s"
                  sdp_name: "cdi"
                """.formatted(RTPENGINE.ngHostPort()), "test.yaml", Map.of());

        @Produces
        AppConfig app() {
            return config.app();
        }

        @Produces
        MediaConfig media() {
            return config.media();
        }

        @Produces
        MetricsConfig metrics() {
            return config.metrics();
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

    @AfterAll
    static void stopRtpEngine() {
        RTPENGINE.close();
    }

    @Inject
    LocationService locations;
    @Inject
    LocationService sameLocations;
    @Inject
    AppConfig app;
    @Inject
    MediaProfiles profiles;
    @Inject
    RtpEngineService rtpengine;

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
        assertTrue(profiles.names().containsAll(List.of("rtp_passthrough", "srtp_to_rtp", "ws_to_rtp", "wss_to_rtp")));
    }

    @Test
    @DisplayName("give RtpEngineService a working pool: offer, answer and delete reach the real RTPEngine")
    void rtpEngineServiceWorks() throws Exception {
        MediaCall call = new MediaCall("cdi-call-1", "rtp_passthrough");
        byte[] offered = rtpengine.offer(call, Offer.of("caller-tag", Sipp.sdp("pcmu-offer.sdp").getBytes(StandardCharsets.UTF_8)));
        SessionDescription toCallee = SessionDescription.parse(offered);
        assertEquals("cdi", toCallee.origin().username());
        assertTrue(toCallee.media().get(0).port() >= RTPENGINE.rtpPortMin());
        assertEquals(1, RTPENGINE.sessionCount());
        rtpengine.answer(call, Answer.of("caller-tag", "callee-tag", Sipp.sdp("pcmu-answer.sdp").getBytes(StandardCharsets.UTF_8)));
        assertTrue(rtpengine.released(call).orElseThrow().get(5, java.util.concurrent.TimeUnit.SECONDS)
                != org.sipanchor.engine.ReleaseResult.PENDING, "released, and confirmed by RTPEngine");
        assertEquals(0, RTPENGINE.sessionCount());
        assertTrue(!rtpengine.delete(call), "released once");
    }
}
