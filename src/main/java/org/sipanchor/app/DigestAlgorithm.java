package org.sipanchor.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** The digest algorithms the bundled application challenges with (RFC 7616 section 3.5, RFC 8760 for SIP). */
public enum DigestAlgorithm {
    /** Offered first: RFC 8760 asks a server to list its algorithms in order of preference. */
    SHA_256("SHA-256"),
    /** For the user agents that know no other (RFC 3261's only algorithm). */
    MD5("MD5");

    private final String token;

    DigestAlgorithm(String token) {
        this.token = token;
    }

    /** The name in the {@code algorithm} parameter. */
    public String token() {
        return token;
    }

    /** The algorithm a credential names; none names MD5 (RFC 3261 section 22.4), an unknown name nothing. */
    public static Optional<DigestAlgorithm> named(String token) {
        if (token == null) {
            return Optional.of(MD5);
        }
        for (DigestAlgorithm algorithm : values()) {
            if (algorithm.token.equalsIgnoreCase(token.trim())) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** {@code H(data)} in lower-case hex. */
    public String hash(String data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(token).digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + token, e);
        }
    }
}
