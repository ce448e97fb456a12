package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.AuthConfig;
import org.sipanchor.config.IpRange;

@DisplayName("The gatekeeper")
class GatekeeperTest {

    private final Gatekeeper gatekeeper = new Gatekeeper(new AuthConfig(true, "r", Map.of(),
            List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("2001:db8::/32")), Duration.ofSeconds(300), AuthConfig.ALGORITHMS), new MutableClock());

    @Test
    @DisplayName("trusts the sources in app.auth.trusted only, and never a name")
    void trustedSources() {
        assertTrue(gatekeeper.trusted("10.20.30.40"));
        assertTrue(gatekeeper.trusted("2001:db8::1"));
        assertTrue(gatekeeper.trusted("[2001:db8::1]"));
        assertFalse(gatekeeper.trusted("127.0.0.1"));
        assertFalse(gatekeeper.trusted("localhost"));
        assertFalse(gatekeeper.trusted(null));
    }

    @Test
    @DisplayName("reads a Via's sent-by as host:port, with 5060 when the port is left out")
    void sentBy() {
        assertEquals("127.0.0.1:5080", Gatekeeper.sentBy("SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1;rport"));
        assertEquals("proxy.example.org:5060", Gatekeeper.sentBy("SIP/2.0/TCP Proxy.Example.org;branch=z9hG4bK2"));
        assertEquals("[2001:db8::1]:5060", Gatekeeper.sentBy("SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK3"));
    }
}
