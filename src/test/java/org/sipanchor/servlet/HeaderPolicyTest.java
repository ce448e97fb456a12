package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.sip.SipServletMessage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A B2BUA's header policy")
class HeaderPolicyTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"P-Asserted-Identity", "Allow", "Supported", "Require", "Session-Expires", "Min-SE", "Reason",
            "Refer-To", "Event", "Retry-After", "Content-Disposition"})
    @DisplayName("by default lets through what the far end needs")
    void safeSetCrosses(String header) {
        assertTrue(HeaderPolicy.topologyHiding().crosses(header));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Via", "Record-Route", "Route", "Contact", "Call-ID", "User-Agent", "Server", "Warning",
            "X-Internal-Node", "P-Charging-Vector", "Organization"})
    @DisplayName("by default keeps back topology, software names and private headers")
    void topologyStaysBehind(String header) {
        assertFalse(HeaderPolicy.topologyHiding().crosses(header));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Via", "record-route", "ROUTE", "Contact", "Call-ID", "CSeq", "From", "To", "Max-Forwards", "v", "i", "m"})
    @DisplayName("never lets a leg's own headers cross, whatever an application asks")
    void legHeadersCannotBeAllowed(String header) {
        assertThrows(IllegalArgumentException.class, () -> HeaderPolicy.topologyHiding().allowing(header));
    }

    @Test
    @DisplayName("compares names without case, and compact forms as their long form")
    void namesAreNormalized() {
        HeaderPolicy policy = HeaderPolicy.topologyHiding();
        assertTrue(policy.crosses("p-asserted-identity"));
        assertTrue(policy.crosses("k"), "k is Supported");
        assertTrue(policy.crosses("x"), "x is Session-Expires");
        assertFalse(policy.crosses("v"), "v is Via");
    }

    @Test
    @DisplayName("can let more through, or keep more back")
    void allowingAndWithout() {
        HeaderPolicy policy = HeaderPolicy.topologyHiding().allowing("X-Account-Id", "User-Agent").without("P-Asserted-Identity");
        assertTrue(policy.crosses("x-account-id"));
        assertTrue(policy.crosses("User-Agent"));
        assertFalse(policy.crosses("P-Asserted-Identity"));
        assertEquals(HeaderPolicy.only("Allow").crossing(), java.util.Set.of("allow"));
    }

    @Test
    @DisplayName("copies every value of each crossing header, replacing what the outgoing message had")
    void copiesCrossingHeaders() {
        SipServletMessage received = message(Map.of(
                "Via", List.of("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"),
                "P-Asserted-Identity", List.of("<sip:+15551230000@example.org>", "<tel:+15551230000>"),
                "Allow", List.of("INVITE, ACK, BYE"),
                "X-Secret", List.of("topology")));
        SipServletMessage outgoing = message(Map.of("Allow", List.of("INVITE")));
        HeaderPolicy.topologyHiding().copy(received, outgoing);
        assertEquals(List.of("<sip:+15551230000@example.org>", "<tel:+15551230000>"), values(outgoing, "P-Asserted-Identity"));
        assertEquals(List.of("INVITE, ACK, BYE"), values(outgoing, "Allow"));
        assertEquals(List.of(), values(outgoing, "Via"));
        assertEquals(List.of(), values(outgoing, "X-Secret"));
    }

    /** A message that is nothing but headers. */
    private static SipServletMessage message(Map<String, List<String>> initial) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        initial.forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
        return (SipServletMessage) Proxy.newProxyInstance(HeaderPolicyTest.class.getClassLoader(),
                new Class<?>[] {SipServletMessage.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaderNames" -> new ArrayList<>(headers.keySet()).iterator();
                    case "getHeaders" -> new ArrayList<>(headers.getOrDefault((String) args[0], List.of())).listIterator();
                    case "setHeader" -> headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
                    case "addHeader" -> headers.computeIfAbsent((String) args[0], name -> new ArrayList<>()).add((String) args[1]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static List<String> values(SipServletMessage message, String name) {
        List<String> values = new ArrayList<>();
        message.getHeaders(name).forEachRemaining(values::add);
        return values;
    }
}
