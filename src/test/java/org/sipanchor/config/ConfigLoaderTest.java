package org.sipanchor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipanchor.testing.TestKeystore;

@DisplayName("The configuration file")
class ConfigLoaderTest {

    private static SipAnchorConfig parse(String yaml) {
        return SipAnchorConfig.parse(yaml, "sipanchor.yaml", Map.of());
    }

    private static ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    @Test
    @DisplayName("shipped in server-config/ loads")
    void shippedExampleLoads() {
        SipAnchorConfig config = SipAnchorConfig.load(Path.of("server-config/sipanchor.yaml"));
        assertEquals(AppMode.PROXY, config.app().mode());
        assertEquals("rtp_passthrough", config.app().profile());
        assertEquals(List.of(new EngineInstanceConfig(new HostPort("127.0.0.1", 22222), 1)), config.media().rtpengine().instances());
        assertEquals(Optional.of(new HostPort("127.0.0.1", 9464)), config.metrics().listen());
    }

    @Test
    @DisplayName("may be empty: everything defaults to loopback")
    void emptyFileDefaultsToLoopback() {
        SipAnchorConfig config = parse("");
        assertEquals(List.of(new SipListen(SipTransport.UDP, new HostPort("127.0.0.1", 5060)),
                new SipListen(SipTransport.TCP, new HostPort("127.0.0.1", 5060))), config.sip().listen());
        assertEquals(Duration.ofMillis(1000), config.media().rtpengine().timeout());
        assertEquals("sipanchor", config.media().sdpName());
        assertEquals(Duration.ofSeconds(5), config.media().healthCheckInterval());
        assertEquals(Optional.empty(), config.metrics().listen());
        assertEquals(Optional.empty(), config.http().listen());
        assertEquals(MediaFailurePolicy.REJECT, config.media().onFailure());
        assertEquals(false, config.log().sipTrace());
    }

    @Test
    @DisplayName("accepts the issue's shape, with several weighted RTPEngines")
    void acceptsFullShape() {
        SipAnchorConfig config = parse("""
                sip:
                  listen:
                    - { transport: udp, address: "127.0.0.1:5060" }
                    - { transport: tcp, address: "127.0.0.1:5061" }
                app:
                  mode: b2bua
                  next_hop: "sip:127.0.0.1:5090"
                  profile: srtp_to_srtp
                media:
                  rtpengine:
                    instances:
                      - { address: "10.0.0.1:22222", weight: 2 }
                      - { address: "[::1]:22223", weight: 1 }
                    timeout_ms: 250
                  sdp_name: "SBC"
                  health_check_interval_secs: 2
                  profiles:
                    srtp_to_srtp:
                      offer:
                        transport_protocol: "RTP/SAVP"
                        replace: ["origin"]
                      answer:
                        ICE: remove
                metrics:
                  listen: "127.0.0.1:9464"
                """);
        assertEquals(AppMode.B2BUA, config.app().mode());
        assertEquals(Optional.of("sip:127.0.0.1:5090"), config.app().nextHop());
        assertEquals(List.of(new EngineInstanceConfig(new HostPort("10.0.0.1", 22222), 2),
                new EngineInstanceConfig(new HostPort("::1", 22223), 1)), config.media().rtpengine().instances());
        assertEquals(Duration.ofMillis(250), config.media().rtpengine().timeout());
        ProfileConfig profile = config.media().profiles().get("srtp_to_srtp");
        assertEquals("transport_protocol", profile.offer().get(0).key());
        assertEquals("RTP/SAVP", profile.offer().get(0).value());
        assertEquals(List.of("origin"), profile.offer().get(1).value());
        assertEquals(21, profile.offer().get(1).location().line());
        assertEquals("media.profiles.srtp_to_srtp.offer.replace", profile.offer().get(1).location().path());
    }

    @Nested
    @DisplayName("says who may register and call (app.auth)")
    class Authentication {

        @Test
        @DisplayName("on without the section: no users, only loopback trusted, the registrar's bounds at their defaults")
        void onByDefault() {
            AppConfig app = parse("").app();
            assertEquals(AuthConfig.DEFAULTS, app.auth());
            assertTrue(app.auth().enabled());
            assertEquals(Map.of(), app.auth().users());
            assertEquals(List.of("SHA-256", "MD5"), app.auth().algorithms());
            assertTrue(app.auth().describe().startsWith("authentication on: realm sipanchor, 0 users, trusted 127.0.0.0/8"));
            assertEquals(8, app.maxBranches());
            assertEquals(new RegistrarConfig(60, 7200, 3600, 10, 100_000), app.registrar());
        }

        @Test
        @DisplayName("off only when the file says app.auth: off")
        void explicitlyOff() {
            AuthConfig auth = parse("app:\n  auth: off\n").app().auth();
            assertFalse(auth.enabled());
            assertEquals("authentication OFF: anyone may register any user (app.auth: off)", auth.describe());
        }

        @Test
        @DisplayName("with users by password (from the environment) or HA1, a realm and trusted sources")
        void users() {
            SipAnchorConfig config = SipAnchorConfig.parse("""
                    app:
                      auth:
                        realm: "sipanchor.example.org"
                        users:
                          alice: { password: "${ALICE_PASSWORD}" }
                          bob: { ha1: "0123456789ABCDEF0123456789abcdef" }
                        trusted: ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
                        nonce_lifetime_secs: 120
                        algorithms: [md5, sha-256]
                      max_branches: 4
                      registrar: { max_contacts_per_user: 3, max_bindings: 1000 }
                    """, "sipanchor.yaml", Map.of("ALICE_PASSWORD", "wonderland"));
            AuthConfig auth = config.app().auth();
            assertEquals("sipanchor.example.org", auth.realm());
            assertEquals(Optional.of("wonderland"), auth.users().get("alice").password());
            assertEquals(Optional.of("0123456789abcdef0123456789abcdef"), auth.users().get("bob").ha1Md5());
            assertEquals(List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("192.0.2.7/32"), IpRange.parse("2001:db8::/32")), auth.trusted());
            assertEquals(Duration.ofSeconds(120), auth.nonceLifetime());
            assertEquals(List.of("MD5", "SHA-256"), auth.algorithms());
            assertEquals(4, config.app().maxBranches());
            assertEquals(3, config.app().registrar().maxContactsPerUser());
            assertEquals(1000, config.app().registrar().maxBindings());
            assertFalse(auth.users().toString().contains("wonderland"), "a secret never prints");
            assertEquals("authentication on: realm sipanchor.example.org, 2 users, trusted 10.0.0.0/8, 192.0.2.7/32, 2001:db8:0:0:0:0:0:0/32",
                    auth.describe());
        }

        @Test
        @DisplayName("trusts the addresses in its ranges, IPv4 never in an IPv6 range")
        void ranges() throws Exception {
            IpRange range = IpRange.parse("10.1.0.0/16");
            assertTrue(range.contains(java.net.InetAddress.getByName("10.1.255.3")));
            assertFalse(range.contains(java.net.InetAddress.getByName("10.2.0.1")));
            assertFalse(IpRange.parse("::/0").contains(java.net.InetAddress.getByName("10.1.0.1")));
            assertTrue(IpRange.parse("0.0.0.0/0").contains(java.net.InetAddress.getByName("192.0.2.1")));
        }
    }

    @Nested
    @DisplayName("shares the registrar of a farm through Redis (app.registrar.store)")
    class RegistrarStore {

        @Test
        @DisplayName("keeps bindings in memory unless told otherwise")
        void memoryByDefault() {
            assertEquals(Optional.empty(), parse("").app().registrar().store());
            assertEquals(Optional.empty(), parse("app:\n  registrar: { store: memory }\n").app().registrar().store());
        }

        @Test
        @DisplayName("reads a redis:// URI with credentials and database, and never prints the password")
        void redisUri() {
            RegistrarStoreConfig store = SipAnchorConfig.parse("""
                    app:
                      registrar: { store: "redis://registrar:${REDIS_PASSWORD}@10.0.0.7:6380/2", store_timeout_ms: 400 }
                    """, "sipanchor.yaml", Map.of("REDIS_PASSWORD", "s3cret")).app().registrar().store().orElseThrow();
            assertEquals(new RegistrarStoreConfig("10.0.0.7", 6380, Optional.of("registrar"), Optional.of("s3cret"), 2, false,
                    Duration.ofMillis(400)), store);
            assertEquals("redis://registrar:***@10.0.0.7:6380/2", store.toString());
            RegistrarStoreConfig defaults = parse("app:\n  registrar: { store: \"rediss://127.0.0.1\" }\n").app().registrar().store().orElseThrow();
            assertEquals(6379, defaults.port());
            assertTrue(defaults.tls());
            assertEquals(Duration.ofMillis(250), defaults.timeout());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "store: \"http://127.0.0.1:6379\"   | must be memory or a redis:// URI: must be a redis:// or rediss:// URI",
            "store: \"redis://:pw@127.0.0.1/x\" | the path must be a database number",
            "store: \"redis:///0\"              | names no host",
            "store_timeout_ms: 9000             | must be at most 5000"})
        @DisplayName("refuses anything else at its line, without quoting a password")
        void refusals(String entry, String problem) {
            ConfigException e = rejected("app:\n  registrar:\n    " + entry + "\n");
            assertTrue(e.getMessage().startsWith("sipanchor.yaml:3: app.registrar."), e.getMessage());
            assertTrue(e.getMessage().contains(problem), e.getMessage());
            assertFalse(e.getMessage().contains("pw"), e.getMessage());
        }
    }

    @Nested
    @DisplayName("record-routes a farm's proxy nodes through their load balancer (app.record_route)")
    class RecordRoute {

        @Test
        @DisplayName("reads the load balancer's address; absent, nodes record-route with their own")
        void loadBalancerAddress() {
            assertEquals(Optional.empty(), parse("").app().recordRoute());
            RecordRouteAddress address = parse("app:\n  record_route: \"sip:LB.example.org:5060;transport=udp\"\n").app().recordRoute().orElseThrow();
            assertEquals(new RecordRouteAddress("lb.example.org", 5060, Optional.of("udp")), address);
            assertEquals("sip:lb.example.org:5060;transport=udp;farm=1", address.uri());
            assertEquals("lb.example.org:5060", address.hostPort());
            assertEquals("sip:[2001:db8::5]:5060;farm=1", parse("app:\n  record_route: \"sip:[2001:db8::5]:5060\"\n").app().recordRoute().orElseThrow().uri());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "proxy | sip:10.0.0.5           | must be sip:host:port",
            "proxy | sip:bob@10.0.0.5:5060  | must be sip:host:port",
            "proxy | sip:10.0.0.5:70000     | port must be 1 to 65535",
            "b2bua | sip:10.0.0.5:5060      | only app.mode: proxy record-routes"})
        @DisplayName("refuses what is not a load balancer's sip:host:port, and a B2BUA")
        void refusals(String mode, String address, String problem) {
            ConfigException e = rejected("app:\n  mode: " + mode + "\n  record_route: \"" + address + "\"\n");
            assertTrue(e.getMessage().startsWith("sipanchor.yaml:3: app.record_route: " + problem), e.getMessage());
        }
    }

    @Test
    @DisplayName("takes ${VAR:-default} values from the environment")
    void environmentOverrides() {
        String yaml = "media:\n  rtpengine:\n    address: \"${RTPENGINE:-127.0.0.1:22222}\"\n";
        assertEquals(new HostPort("10.1.1.1", 2223),
                SipAnchorConfig.parse(yaml, "f", Map.of("RTPENGINE", "10.1.1.1:2223")).media().rtpengine().instances().get(0).address());
        assertEquals(new HostPort("127.0.0.1", 22222), parse(yaml).media().rtpengine().instances().get(0).address());
        ConfigException missing = rejected("media:\n  sdp_name: \"${NAME}\"\n");
        assertTrue(missing.getMessage().contains("environment variable NAME is not set"), missing.getMessage());
    }

    @Nested
    @DisplayName("listens for browsers on ws and wss")
    class WebSocket {

        @Test
        @DisplayName("with the key and certificate of sip.tls, relative to the configuration file")
        void wssWithKeystore() {
            TestKeystore keys = TestKeystore.create("config-keystore");
            SipAnchorConfig config = SipAnchorConfig.parse("""
                    sip:
                      listen:
                        - { transport: ws, address: "127.0.0.1:5062" }
                        - { transport: wss, address: "127.0.0.1:5063" }
                      tls:
                        keystore: "%s"
                        keystore_password: "%s"
                    """.formatted(keys.path(), keys.password()), "sipanchor.yaml", Map.of());
            assertEquals(List.of(SipTransport.WS, SipTransport.WSS), config.sip().listen().stream().map(SipListen::transport).toList());
            assertTrue(config.sip().hasWebSocket());
            SipTlsConfig tls = config.sip().tls().orElseThrow();
            assertEquals(KeystoreType.PKCS12, tls.keystoreType());
            assertEquals(false, tls.requireClientCertificate());
            assertFalse(tls.toString().contains(keys.password()), "no password in " + tls);
        }

        @Test
        @DisplayName("refusing a keystore its password does not open, at the password's line")
        void wrongPassword() {
            TestKeystore keys = TestKeystore.create("config-keystore-wrong");
            ConfigException error = rejected("""
                    sip:
                      tls:
                        keystore: "%s"
                        keystore_password: "not-the-password"
                    """.formatted(keys.path()));
            assertTrue(error.getMessage().startsWith("sipanchor.yaml:4: sip.tls.keystore_password: does not open "), error.getMessage());
            assertTrue(error.getMessage().endsWith(keys.path().getFileName() + " (wrong password)"), error.getMessage());
        }
    }

    @Test
    @DisplayName("accepts an NG timeout of up to 10 s and a health interval of up to 5 minutes")
    void acceptsTheMaxima() {
        SipAnchorConfig config = parse("""
                media:
                  rtpengine:
                    timeout_ms: 10000
                  health_check_interval_secs: 300
                """);
        assertEquals(Duration.ofSeconds(10), config.media().rtpengine().timeout());
        assertEquals(RtpEngineConfig.MAX_TIMEOUT, config.media().rtpengine().timeout());
        assertEquals(Duration.ofMinutes(5), config.media().healthCheckInterval());
        assertEquals(MediaConfig.MAX_HEALTH_CHECK_INTERVAL, config.media().healthCheckInterval());
    }

    @Test
    @DisplayName("has safe edge limits by default: 64 KiB SIP messages within 10 s, 1,024 connections, 16 KiB SDP, 8 sections, TCP media disabled")
    void edgeLimitDefaults() {
        SipAnchorConfig config = parse("");
        assertEquals(SipLimits.DEFAULTS, config.sip().limits());
        assertEquals(new SipLimits(65_535, Duration.ofSeconds(10), 1024, Duration.ofMinutes(5)), config.sip().limits());
        assertEquals(new MediaLimits(16_384, 8, NonRtpSections.DISABLE), config.media().limits());
    }

    @Test
    @DisplayName("reads sip.limits and media.limits")
    void edgeLimits() {
        SipAnchorConfig config = parse("""
                sip:
                  limits: { max_message_bytes: 8192, tcp_read_timeout_secs: 3, max_tcp_connections: 50, tcp_idle_timeout_secs: 60 }
                media:
                  limits: { max_sdp_bytes: 4000, max_media_sections: 2, non_rtp_sections: refuse }
                """);
        assertEquals(new SipLimits(8192, Duration.ofSeconds(3), 50, Duration.ofSeconds(60)), config.sip().limits());
        assertEquals(new MediaLimits(4000, 2, NonRtpSections.REFUSE), config.media().limits());
    }

    @Test
    @DisplayName("reads sip.admission, 200 ms and Retry-After 2 s by default")
    void admission() {
        assertEquals(SipAdmission.DEFAULTS, parse("sip:\n  listen:\n    - { transport: udp, address: \"127.0.0.1:5070\" }\n").sip().admission());
        assertEquals(new SipAdmission(Duration.ofMillis(350), Duration.ofSeconds(10)),
                parse("sip:\n  admission: { max_queue_delay_ms: 350, retry_after_secs: 10 }\n").sip().admission());
    }

    @Test
    @DisplayName("reconciliation is on by default (every 60 s, grace 300 s), and the node id names host and SIP address")
    void reconcileDefaults() {
        SipAnchorConfig config = parse("sip:\n  listen:\n    - { transport: udp, address: \"127.0.0.1:5070\" }\n");
        assertEquals(new ReconcileConfig(true, Duration.ofSeconds(60), Duration.ofSeconds(300)), config.media().reconcile());
        assertTrue(config.media().nodeId().endsWith("/127.0.0.1:5070"), config.media().nodeId());
    }

    @Test
    @DisplayName("media.reconcile takes an interval and a grace, or off; media.node_id names the node")
    void reconcileSettings() {
        SipAnchorConfig config = parse("""
                media:
                  node_id: "edge-1"
                  reconcile: { interval_secs: 30, grace_secs: 240 }
                """);
        assertEquals(new ReconcileConfig(true, Duration.ofSeconds(30), Duration.ofSeconds(240)), config.media().reconcile());
        assertEquals("edge-1", config.media().nodeId());
        assertFalse(parse("media:\n  reconcile: off\n").media().reconcile().enabled());
    }

    @Test
    @DisplayName("a grace no longer than app.no_answer_timeout_secs is refused: a ringing call has no media yet")
    void graceOutlastsRinging() {
        ConfigException error = rejected("""
                app:
                  no_answer_timeout_secs: 180
                media:
                  reconcile: { grace_secs: 120 }
                """);
        assertTrue(error.getMessage().startsWith("sipanchor.yaml:4: media.reconcile.grace_secs: must be longer than "
                + "app.no_answer_timeout_secs (180)"), error.getMessage());
    }

    @Nested
    @DisplayName("is refused, with file, line and key path, when")
    class Refusals {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                a key is unknown                 | sip:\\n  listn: []                                                   | sipanchor.yaml:2: sip.listn: unknown key
                a top-level key is unknown       | medai: {}                                                            | sipanchor.yaml:1: medai: unknown key
                a number is not a number         | media:\\n  rtpengine:\\n    timeout_ms: fast                       | sipanchor.yaml:3: media.rtpengine.timeout_ms: must be a whole number, not "fast"
                a list is a scalar               | sip:\\n  listen: udp                                                  | sipanchor.yaml:2: sip.listen: must be a list
                a section is a scalar            | media: 5                                                             | sipanchor.yaml:1: media: must be a mapping
                a port is out of range           | sip:\\n  listen:\\n    - { transport: udp, address: "127.0.0.1:70000" } | sipanchor.yaml:3: sip.listen[0].address: port 70000 is out of range 1-65535
                a transport is unknown           | sip:\\n  listen:\\n    - { transport: sctp, address: "127.0.0.1:5060" } | sipanchor.yaml:3: sip.listen[0].transport: must be one of udp, tcp, ws, wss, not "sctp"
                an address has no port           | metrics:\\n  listen: "127.0.0.1"                                      | sipanchor.yaml:2: metrics.listen: expected host:port
                a weight is zero                 | media:\\n  rtpengine:\\n    instances:\\n      - { address: "127.0.0.1:22222", weight: 0 } | sipanchor.yaml:4: media.rtpengine.instances[0].weight: must be greater than 0 (got 0)
                a weight is negative             | media:\\n  rtpengine:\\n    instances:\\n      - { address: "127.0.0.1:22222", weight: -1 } | sipanchor.yaml:4: media.rtpengine.instances[0].weight: must be greater than 0 (got -1)
                both address and instances       | media:\\n  rtpengine:\\n    address: "127.0.0.1:1"\\n    instances: [] | sipanchor.yaml:4: media.rtpengine.instances: give either address (one RTPEngine) or instances (several), not both
                app.profile is unknown           | app:\\n  profile: srtp_to_nothing                                    | sipanchor.yaml:2: app.profile: unknown profile "srtp_to_nothing" (known: rtp_passthrough, srtp_to_rtp, ws_to_rtp, wss_to_rtp)
                a custom profile shadows a built-in | media:\\n  profiles:\\n    srtp_to_rtp: {}                         | sipanchor.yaml:3: media.profiles.srtp_to_rtp: is a built-in profile
                app.mode is unknown              | app:\\n  mode: redirect                                               | sipanchor.yaml:2: app.mode: must be one of proxy, b2bua, not "redirect"
                next_hop is not a SIP URI        | app:\\n  next_hop: "127.0.0.1:5090"                                   | sipanchor.yaml:2: app.next_hop: must be a SIP URI
                a key appears twice              | log:\\n  level: info\\n  level: debug                              | sipanchor.yaml:3: log.level: key appears twice
                the YAML is broken               | sip: [unclosed                                                       | sipanchor.yaml:1: not valid YAML
                a health interval is zero        | media:\\n  health_check_interval_secs: 0                             | sipanchor.yaml:2: media.health_check_interval_secs: must be greater than 0 (got 0)
                a health interval is over 5 min  | media:\\n  sdp_name: x\\n  health_check_interval_secs: 301        | sipanchor.yaml:3: media.health_check_interval_secs: must be at most 300 (got 301)
                an NG timeout is zero            | media:\\n  rtpengine:\\n    timeout_ms: 0                          | sipanchor.yaml:3: media.rtpengine.timeout_ms: must be greater than 0 (got 0)
                an NG timeout is over 10 s       | media:\\n  rtpengine:\\n    address: "127.0.0.1:22222"\\n    timeout_ms: 10001 | sipanchor.yaml:4: media.rtpengine.timeout_ms: must be at most 10000 (got 10001)
                the same listener appears twice  | sip:\\n  listen:\\n    - { transport: udp, address: "127.0.0.1:5060" }\\n    - { transport: udp, address: "127.0.0.1:5060" } | listens twice on udp:127.0.0.1:5060
                registrar bounds are inverted    | app:\\n  registrar: { min_expires: 600, max_expires: 60 }            | sipanchor.yaml:2: app.registrar.min_expires: must not exceed max_expires
                a wss listener has no key        | sip:\\n  listen:\\n    - { transport: wss, address: "127.0.0.1:5063" } | sipanchor.yaml:3: sip.listen[0]: a wss listener needs sip.tls with a keystore
                ws and tcp share a port          | sip:\\n  listen:\\n    - { transport: tcp, address: "127.0.0.1:5060" }\\n    - { transport: ws, address: "127.0.0.1:5060" } | ws:127.0.0.1:5060 shares its TCP port with another stream listener
                the keystore does not exist      | sip:\\n  tls:\\n    keystore: "/no/such.p12"\\n    keystore_password: x | sipanchor.yaml:3: sip.tls.keystore: no such file /no/such.p12
                the keystore has no password     | sip:\\n  tls:\\n    keystore: "/no/such.p12"                     | sip.tls: keystore_password is required
                an admission delay is too short  | sip:\\n  admission:\\n    max_queue_delay_ms: 5                | sipanchor.yaml:3: sip.admission.max_queue_delay_ms: must be at least 10 (got 5)
                an unknown admission key         | sip:\\n  admission:\\n    max_calls: 5                         | sipanchor.yaml:3: sip.admission.max_calls: unknown key
                a SIP message limit is tiny      | sip:\\n  limits:\\n    max_message_bytes: 100                | sipanchor.yaml:3: sip.limits.max_message_bytes: must be at least 4096 (got 100)
                a SIP read timeout is zero       | sip:\\n  limits:\\n    tcp_read_timeout_secs: 0              | sipanchor.yaml:3: sip.limits.tcp_read_timeout_secs: must be greater than 0 (got 0)
                a SIP read timeout is too long   | sip:\\n  limits:\\n    tcp_read_timeout_secs: 121            | sipanchor.yaml:3: sip.limits.tcp_read_timeout_secs: must be at most 120 (got 121)
                a connection limit is negative   | sip:\\n  limits:\\n    max_tcp_connections: -1               | sipanchor.yaml:3: sip.limits.max_tcp_connections: must be greater than 0 (got -1)
                a sip.limits key is unknown      | sip:\\n  limits:\\n    max_body: 1                           | sipanchor.yaml:3: sip.limits.max_body: unknown key
                an SDP limit is over the NG one  | media:\\n  limits:\\n    max_sdp_bytes: 70000                | sipanchor.yaml:3: media.limits.max_sdp_bytes: must be at most 65000 (got 70000)
                a section limit is zero          | media:\\n  limits:\\n    max_media_sections: 0               | sipanchor.yaml:3: media.limits.max_media_sections: must be greater than 0 (got 0)
                a TCP media policy is unknown    | media:\\n  limits:\\n    non_rtp_sections: relay             | sipanchor.yaml:3: media.limits.non_rtp_sections: must be one of disable, refuse, not "relay"
                auth is on instead of a mapping  | app:\\n  auth: on                                                    | sipanchor.yaml:2: app.auth: must be off or a mapping
                an ha1 is not 32 hex digits      | app:\\n  auth:\\n    users:\\n      bob: { ha1: "abc" }              | sipanchor.yaml:4: app.auth.users.bob.ha1: must be 32 hexadecimal digits
                a user has password and ha1      | app:\\n  auth:\\n    users:\\n      bob: { password: x, ha1: "00000000000000000000000000000000" } | app.auth.users.bob.password: give password, or ha1/ha1_sha256, not both
                a user has no secret             | app:\\n  auth:\\n    users:\\n      bob: {}                          | app.auth.users.bob: needs password, or ha1 and/or ha1_sha256
                a trusted source is a host name  | app:\\n  auth:\\n    trusted: ["core.example.org"]               | sipanchor.yaml:3: app.auth.trusted[0]: "core.example.org" is not an IP address
                a trusted prefix is too long     | app:\\n  auth:\\n    trusted: ["10.0.0.0/33"]                    | app.auth.trusted[0]: "10.0.0.0/33": the prefix length must be 0 to 32
                an algorithm is unknown          | app:\\n  auth:\\n    algorithms: [SHA-512]                       | sipanchor.yaml:3: app.auth.algorithms[0]: must be one of SHA-256, MD5, not "SHA-512"
                no algorithm at all              | app:\\n  auth:\\n    algorithms: []                              | app.auth.algorithms: must name SHA-256 and/or MD5, each once
                max_branches is zero             | app:\\n  max_branches: 0                                             | sipanchor.yaml:2: app.max_branches: must be greater than 0
                max_bindings is zero             | app:\\n  registrar: { max_bindings: 0 }                             | app.registrar.max_bindings: must be greater than 0
                a keystore type is unknown       | sip:\\n  tls:\\n    keystore: "k.p12"\\n    keystore_password: x\\n    keystore_type: pem | sipanchor.yaml:5: sip.tls.keystore_type: must be one of pkcs12, jks, not "pem"
                """)
        void badValue(String why, String yaml, String expected) {
            ConfigException error = rejected(yaml.replace("\\n", "\n"));
            assertTrue(error.getMessage().contains(expected), () -> "expected \"" + expected + "\" in: " + error.getMessage());
        }

        @Test
        @DisplayName("the file does not exist")
        void missingFile() {
            ConfigException error = assertThrows(ConfigException.class, () -> SipAnchorConfig.load(Path.of("no/such.yaml")));
            assertEquals("no/such.yaml: no such file", error.getMessage());
        }
    }
}
