package org.sipanchor.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code app.auth} section: who may register and who may call through the bundled application (digest
 * authentication, RFC 3261 section 22, RFC 7616, RFC 8760). On unless the file says {@code app.auth: off}: without
 * the section, nobody can register (there are no users) and only loopback may call, so a server put on a public
 * address by mistake is no open relay and no one's calls can be taken over.
 *
 * <pre>{@code
 * app:
 *   auth:
 *     realm: "sipanchor.example.org"
 *     users: { alice: { password: "${ALICE_PASSWORD}" }, bob: { ha1: "..." } }
 *     trusted: ["10.0.0.20/32"]      # a core or trunk whose requests need no credentials
 * }</pre>
 *
 * @param enabled       false only for an explicit {@code app.auth: off}
 * @param realm         the protection realm of the challenges (and of precomputed HA1 values)
 * @param users         user name to secret
 * @param trusted       sources whose requests other than REGISTER need no credentials
 * @param nonceLifetime how long a nonce is accepted; older ones get a new challenge with {@code stale=true}
 * @param algorithms    the digest algorithms offered and accepted, in order of preference ({@code SHA-256}, {@code MD5})
 */
public record AuthConfig(boolean enabled, String realm, Map<String, UserSecret> users, List<IpRange> trusted, Duration nonceLifetime,
        List<String> algorithms) {

    /** The algorithms there are, and the default order: the stronger first (RFC 8760 section 2.4). */
    public static final List<String> ALGORITHMS = List.of("SHA-256", "MD5");

    public static final String DEFAULT_REALM = "sipanchor";
    public static final Duration DEFAULT_NONCE_LIFETIME = Duration.ofSeconds(300);
    /** Without a {@code trusted} list, only this host's own processes call without credentials. */
    public static final List<IpRange> DEFAULT_TRUSTED = List.of(IpRange.parse("127.0.0.0/8"), IpRange.parse("::1"));

    /** {@code app.auth: off}: anyone may register any user and call from anywhere. */
    public static final AuthConfig OFF = new AuthConfig(false, DEFAULT_REALM, Map.of(), List.of(), DEFAULT_NONCE_LIFETIME, ALGORITHMS);
    /** No {@code app.auth} section: on, no users, loopback trusted. */
    public static final AuthConfig DEFAULTS = new AuthConfig(true, DEFAULT_REALM, Map.of(), DEFAULT_TRUSTED, DEFAULT_NONCE_LIFETIME, ALGORITHMS);

    public AuthConfig {
        users = Map.copyOf(users);
        trusted = List.copyOf(trusted);
        algorithms = List.copyOf(algorithms);
    }

    /** The start-up line that says which it is; never a secret. */
    public String describe() {
        if (!enabled) {
            return "authentication OFF: anyone may register any user (app.auth: off)";
        }
        return "authentication on: realm " + realm + ", " + users.size() + " user" + (users.size() == 1 ? "" : "s")
                + ", trusted " + (trusted.isEmpty() ? "none" : String.join(", ", trusted.stream().map(IpRange::toString).toList()))
                + (users.isEmpty() ? " (no one can register: add app.auth.users, or say app.auth: off)" : "");
    }
}
