package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.sipanchor.app.DigestAuthenticator.Outcome;
import org.sipanchor.config.AuthConfig;
import org.sipanchor.config.UserSecret;

@DisplayName("Digest authentication (RFC 7616, RFC 8760)")
class DigestAuthenticatorTest {

    private static final String REALM = "sipanchor.example.org";
    private static final String URI = "sip:sipanchor.example.org";

    private final MutableClock clock = new MutableClock();
    private final DigestAuthenticator digest = new DigestAuthenticator(new AuthConfig(true, REALM, Map.of(
            "alice", UserSecret.password("wonderland"),
            "bob", new UserSecret(Optional.empty(), Optional.of(md5("bob:" + REALM + ":builder")), Optional.empty())),
            AuthConfig.DEFAULT_TRUSTED, Duration.ofSeconds(300), AuthConfig.ALGORITHMS), clock);

    @Nested
    @DisplayName("computes the response as RFC 7616 section 3.9.1 does")
    class Rfc7616Example {
        private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        private static final String HA1_INPUT = "Mufasa:http-auth@example.org:Circle of Life";

        @Test
        @DisplayName("with MD5")
        void md5Example() {
            assertEquals("8ca523f5e9506fed4657c9700eebdbec", DigestAuthenticator.response(DigestAlgorithm.MD5,
                    DigestAlgorithm.MD5.hash(HA1_INPUT), NONCE, "00000001", CNONCE, "GET", "/dir/index.html"));
        }

        @Test
        @DisplayName("with SHA-256")
        void sha256Example() {
            assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", DigestAuthenticator.response(
                    DigestAlgorithm.SHA_256, DigestAlgorithm.SHA_256.hash(HA1_INPUT), NONCE, "00000001", CNONCE, "GET",
                    "/dir/index.html"));
        }
    }

    @Test
    @DisplayName("challenges with SHA-256 first, then MD5, both with qop=auth and one nonce")
    void challengeOrder() {
        List<String> challenges = digest.challenges(false, Optional.empty());
        assertEquals(2, challenges.size());
        assertTrue(challenges.get(0).contains("algorithm=SHA-256"), challenges.get(0));
        assertTrue(challenges.get(1).contains("algorithm=MD5"), challenges.get(1));
        assertTrue(challenges.get(0).contains("qop=\"auth\"") && challenges.get(0).contains("realm=\"" + REALM + "\""));
        assertEquals(nonceOf(challenges.get(0)), nonceOf(challenges.get(1)));
    }

    @Test
    @DisplayName("accepts a SHA-256 response computed from the RFC's definition")
    void sha256Accepted() {
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(0));
        Outcome outcome = digest.verify("REGISTER", List.of(authorization("alice", "wonderland", "SHA-256", nonce, 1, "REGISTER")));
        assertEquals(new Outcome.Authenticated("alice"), outcome);
    }

    @Test
    @DisplayName("accepts an MD5 response, and one without an algorithm parameter as MD5")
    void md5Accepted() {
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(1));
        assertEquals(new Outcome.Authenticated("alice"),
                digest.verify("INVITE", List.of(authorization("alice", "wonderland", "MD5", nonce, 1, "INVITE"))));
        assertEquals(new Outcome.Authenticated("alice"), digest.verify("INVITE",
                List.of(authorization("alice", "wonderland", "MD5", nonce, 2, "INVITE").replace(", algorithm=MD5", ""))));
    }

    @Test
    @DisplayName("checks a precomputed ha1, and challenges such a user with the algorithm it has only")
    void precomputedHa1() {
        List<String> challenges = digest.challenges(false, Optional.of("bob"));
        assertEquals(1, challenges.size());
        assertTrue(challenges.get(0).contains("algorithm=MD5"));
        String nonce = nonceOf(challenges.get(0));
        assertEquals(new Outcome.Authenticated("bob"),
                digest.verify("REGISTER", List.of(authorization("bob", "builder", "MD5", nonce, 1, "REGISTER"))));
        assertEquals(new Outcome.Challenge(false),
                digest.verify("REGISTER", List.of(authorization("bob", "builder", "SHA-256", nonce, 2, "REGISTER"))));
    }

    @Test
    @DisplayName("refuses a wrong password and an unknown user (403, not another challenge)")
    void wrongCredentials() {
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(0));
        assertInstanceOf(Outcome.Refused.class,
                digest.verify("REGISTER", List.of(authorization("alice", "guess", "SHA-256", nonce, 1, "REGISTER"))));
        assertInstanceOf(Outcome.Refused.class,
                digest.verify("REGISTER", List.of(authorization("mallory", "x", "SHA-256", nonce, 1, "REGISTER"))));
        assertInstanceOf(Outcome.Refused.class, digest.verify("INVITE",
                List.of(authorization("alice", "wonderland", "SHA-256", nonce, 1, "REGISTER"))), "computed for another method");
    }

    @Test
    @DisplayName("challenges a request without credentials, with another realm's, or without qop")
    void challenged() {
        assertEquals(new Outcome.Challenge(false), digest.verify("REGISTER", List.of()));
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(0));
        String good = authorization("alice", "wonderland", "SHA-256", nonce, 1, "REGISTER");
        assertEquals(new Outcome.Challenge(false), digest.verify("REGISTER", List.of(good.replace(REALM, "elsewhere"))));
        assertEquals(new Outcome.Challenge(false), digest.verify("REGISTER", List.of(good.replace("qop=auth, ", ""))));
    }

    @Test
    @DisplayName("challenges a nonce it did not issue, or one tampered with")
    void foreignNonce() {
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(0));
        String tampered = (nonce.charAt(0) == 'A' ? "B" : "A") + nonce.substring(1);
        assertEquals(new Outcome.Challenge(false),
                digest.verify("REGISTER", List.of(authorization("alice", "wonderland", "SHA-256", tampered, 1, "REGISTER"))));
        String otherServers = nonceOf(new DigestAuthenticator(AuthConfig.DEFAULTS, clock).challenges(false, Optional.empty()).get(0));
        assertEquals(new Outcome.Challenge(false),
                digest.verify("REGISTER", List.of(authorization("alice", "wonderland", "SHA-256", otherServers, 1, "REGISTER"))));
    }

    @Test
    @DisplayName("answers a replayed response (a nonce count used already) with stale=true, and takes the next count")
    void replay() {
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(0));
        String first = authorization("alice", "wonderland", "SHA-256", nonce, 1, "REGISTER");
        assertEquals(new Outcome.Authenticated("alice"), digest.verify("REGISTER", List.of(first)));
        assertEquals(new Outcome.Challenge(true), digest.verify("REGISTER", List.of(first)));
        assertEquals(new Outcome.Authenticated("alice"),
                digest.verify("REGISTER", List.of(authorization("alice", "wonderland", "SHA-256", nonce, 2, "REGISTER"))));
    }

    @Test
    @DisplayName("answers a correct response with an expired nonce with stale=true")
    void expiredNonce() {
        String nonce = nonceOf(digest.challenges(false, Optional.empty()).get(0));
        clock.advance(Duration.ofSeconds(300));
        assertEquals(new Outcome.Challenge(true),
                digest.verify("REGISTER", List.of(authorization("alice", "wonderland", "SHA-256", nonce, 1, "REGISTER"))));
        assertTrue(digest.challenges(true, Optional.empty()).get(0).endsWith(", stale=true"));
    }

    @Test
    @DisplayName("offers and accepts only the algorithms of app.auth.algorithms, in their order")
    void configuredAlgorithms() {
        DigestAuthenticator md5Only = new DigestAuthenticator(new AuthConfig(true, REALM, Map.of("alice", UserSecret.password("wonderland")),
                List.of(), Duration.ofSeconds(300), List.of("MD5")), clock);
        List<String> challenges = md5Only.challenges(false, Optional.empty());
        assertEquals(1, challenges.size());
        assertTrue(challenges.get(0).contains("algorithm=MD5"));
        String nonce = nonceOf(challenges.get(0));
        assertEquals(new Outcome.Challenge(false),
                md5Only.verify("REGISTER", List.of(authorization("alice", "wonderland", "SHA-256", nonce, 1, "REGISTER"))));
        assertEquals(new Outcome.Authenticated("alice"),
                md5Only.verify("REGISTER", List.of(authorization("alice", "wonderland", "MD5", nonce, 2, "REGISTER"))));
    }

    /** What a user agent sends, computed here from RFC 7616 section 3.4.1 without the code under test. */
    private static String authorization(String user, String password, String algorithm, String nonce, int count, String method) {
        String cnonce = "0a4f113b";
        String nc = "%08x".formatted(count);
        String ha1 = hash(algorithm, user + ":" + REALM + ":" + password);
        String ha2 = hash(algorithm, method + ":" + URI);
        String response = hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + REALM + "\", nonce=\"" + nonce + "\", uri=\"" + URI
                + "\", response=\"" + response + "\", algorithm=" + algorithm + ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\"";
    }

    private static String md5(String text) {
        return hash("MD5", text);
    }

    private static String hash(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String nonceOf(String challenge) {
        Matcher matcher = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge);
        assertTrue(matcher.find(), challenge);
        return matcher.group(1);
    }
}
