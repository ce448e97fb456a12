package org.sipanchor.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.sipanchor.config.AuthConfig;
import org.sipanchor.config.UserSecret;

/**
 * Digest authentication of SIP requests (RFC 3261 section 22, RFC 7616 with qop=auth, RFC 8760 for SHA-256 in SIP)
 * against the users of {@code app.auth}, independent of the servlet API: it reads header values and says what to
 * answer. Challenges offer SHA-256 first, then MD5; nonces come from {@link Nonces}.
 *
 * <pre>{@code
 * switch (digest.verify("REGISTER", request.getHeaders("Authorization"))) {
 *     case Outcome.Authenticated ok -> ...   // ok.user() proved its secret
 *     case Outcome.Challenge c -> ...        // 401 with digest.challenges(c.stale(), user)
 *     case Outcome.Refused r -> ...          // 403
 * }
 * }</pre>
 */
public final class DigestAuthenticator {

    /** How many used nonces are remembered against replays; beyond it the oldest go and their peers turn stale. */
    static final int REMEMBERED_NONCES = 10_000;

    /** What a request's credentials are worth. */
    public sealed interface Outcome {
        /** Correct credentials, a fresh nonce and a new nonce count: {@code user} proved its secret. */
        record Authenticated(String user) implements Outcome {
        }

        /** No usable credentials (none, another realm, a foreign or stale nonce, a replay): challenge again. */
        record Challenge(boolean stale) implements Outcome {
        }

        /** Credentials that are wrong (an unknown user, a wrong response): 403, not yet another challenge. */
        record Refused(String reason) implements Outcome {
        }
    }

    private final AuthConfig config;
    private final Nonces nonces;
    /** {@code app.auth.algorithms}, in order of preference. */
    private final List<DigestAlgorithm> algorithms;

    public DigestAuthenticator(AuthConfig config, Clock clock) {
        this.config = config;
        this.nonces = new Nonces(clock, config.nonceLifetime(), REMEMBERED_NONCES);
        this.algorithms = config.algorithms().stream().map(name -> DigestAlgorithm.named(name).orElseThrow()).toList();
    }

    /** The realm of the challenges. */
    public String realm() {
        return config.realm();
    }

    /**
     * Checks the credentials for this realm among {@code authorizations} (the values of Authorization or
     * Proxy-Authorization) of a request with {@code method}.
     */
    public Outcome verify(String method, List<String> authorizations) {
        Optional<DigestCredentials> found = authorizations.stream().map(DigestCredentials::parse).flatMap(Optional::stream)
                .filter(credentials -> credentials.realm().equals(config.realm())).findFirst();
        if (found.isEmpty()) {
            return new Outcome.Challenge(false);
        }
        DigestCredentials credentials = found.get();
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.named(credentials.get("algorithm").orElse(null)).filter(algorithms::contains);
        Optional<String> nonce = credentials.get("nonce");
        Optional<String> uri = credentials.get("uri");
        Optional<String> response = credentials.get("response");
        Optional<String> cnonce = credentials.get("cnonce");
        Optional<String> nc = credentials.get("nc");
        // qop=auth is required: without it a response has no client nonce and no count, and replays cannot be told
        boolean complete = algorithm.isPresent() && nonce.isPresent() && uri.isPresent() && response.isPresent()
                && cnonce.isPresent() && nc.isPresent() && nc.get().matches("[0-9a-fA-F]{8}")
                && "auth".equalsIgnoreCase(credentials.get("qop").orElse(""));
        if (!complete || nonces.check(nonce.get()) == Nonces.Verdict.FOREIGN) {
            return new Outcome.Challenge(false);
        }
        UserSecret secret = config.users().get(credentials.username());
        if (secret == null) {
            return new Outcome.Refused("unknown user");
        }
        Optional<String> ha1 = ha1(credentials.username(), config.realm(), secret, algorithm.get());
        if (ha1.isEmpty()) {
            return new Outcome.Challenge(false); // this user has no secret for that algorithm: the other one, then
        }
        String expected = response(algorithm.get(), ha1.get(), nonce.get(), nc.get(), cnonce.get(), method, uri.get());
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.get().toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            return new Outcome.Refused("wrong credentials");
        }
        if (nonces.use(nonce.get(), Long.parseLong(nc.get(), 16)) != Nonces.Verdict.FRESH) {
            return new Outcome.Challenge(true);
        }
        return new Outcome.Authenticated(credentials.username());
    }

    /**
     * The values of WWW-Authenticate (or Proxy-Authenticate) for a new challenge, one per algorithm of
     * {@code app.auth.algorithms} in that order of preference (RFC 8760 section 2.4), all with one new nonce. For a
     * known {@code user}, only the algorithms it has a secret for (never none: then all of them, and it fails).
     */
    public List<String> challenges(boolean stale, Optional<String> user) {
        String nonce = nonces.issue();
        UserSecret secret = user.map(config.users()::get).orElse(null);
        List<String> values = new ArrayList<>();
        for (DigestAlgorithm algorithm : algorithms) {
            if (secret != null && ha1(user.get(), config.realm(), secret, algorithm).isEmpty()) {
                continue;
            }
            values.add(challenge(nonce, algorithm, stale));
        }
        if (values.isEmpty()) {
            algorithms.forEach(algorithm -> values.add(challenge(nonce, algorithm, stale)));
        }
        return values;
    }

    private String challenge(String nonce, DigestAlgorithm algorithm, boolean stale) {
        return "Digest realm=\"" + config.realm() + "\", nonce=\"" + nonce + "\", algorithm=" + algorithm.token()
                + ", qop=\"auth\"" + (stale ? ", stale=true" : "");
    }

    /** {@code H(username:realm:password)}, or the precomputed one (RFC 7616 section 3.4.2). */
    static Optional<String> ha1(String user, String realm, UserSecret secret, DigestAlgorithm algorithm) {
        if (secret.password().isPresent()) {
            return Optional.of(algorithm.hash(user + ":" + realm + ":" + secret.password().get()));
        }
        return algorithm == DigestAlgorithm.MD5 ? secret.ha1Md5() : secret.ha1Sha256();
    }

    /** {@code KD(HA1, nonce:nc:cnonce:qop:H(method:uri))} with qop=auth (RFC 7616 section 3.4.1). */
    static String response(DigestAlgorithm algorithm, String ha1, String nonce, String nc, String cnonce, String method, String uri) {
        String ha2 = algorithm.hash(method + ":" + uri);
        return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
    }
}
