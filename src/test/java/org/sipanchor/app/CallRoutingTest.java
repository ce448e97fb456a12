package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.URI;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.app.LocationService.ContactUpdate;
import org.sipanchor.config.AppConfig;
import org.sipanchor.config.AppMode;
import org.sipanchor.config.AppSettings;
import org.sipanchor.config.AuthConfig;
import org.sipanchor.config.RegistrarConfig;

@DisplayName("Call routing")
class CallRoutingTest {

    private final LocationService locations = new LocationService(new RegistrarConfig(60, 3600, 600, 10, 1000), new MutableClock());
    private final CallRouting routing = new CallRouting(locations, new AppConfig(AppMode.PROXY, Optional.empty(), "rtp_passthrough",
            RegistrarConfig.DEFAULTS, 180, AppSettings.EMPTY, AuthConfig.OFF, 2));

    @Test
    @DisplayName("rings at most app.max_branches contacts: the most recently registered or refreshed")
    void mostRecentContactsWin() throws Exception {
        for (String contact : List.of("sip:bob@10.0.0.1", "sip:bob@10.0.0.2", "sip:bob@10.0.0.3")) {
            locations.update("sip:bob@example.com", List.of(new ContactUpdate(contact, -1)), -1, contact, 1);
        }
        locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.1", -1)), -1, "sip:bob@10.0.0.1", 2);
        List<String> targets = routing.targets(invite("sip:bob@example.com"), factory()).destinations().stream().map(Object::toString).toList();
        assertEquals(List.of("sip:bob@10.0.0.3", "sip:bob@10.0.0.1"), targets);
    }

    /** Only what CallRouting asks of the servlet API: a request's Request-URI and URIs made from text. */
    private static SipServletRequest invite(String requestUri) {
        return (SipServletRequest) Proxy.newProxyInstance(CallRoutingTest.class.getClassLoader(), new Class<?>[] {SipServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestURI" -> uri(requestUri);
                    case "toString" -> "INVITE " + requestUri;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static SipFactory factory() {
        return (SipFactory) Proxy.newProxyInstance(CallRoutingTest.class.getClassLoader(), new Class<?>[] {SipFactory.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createURI" -> uri((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static URI uri(String text) {
        return (URI) Proxy.newProxyInstance(CallRoutingTest.class.getClassLoader(), new Class<?>[] {URI.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "toString" -> text;
                    case "hashCode" -> text.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
