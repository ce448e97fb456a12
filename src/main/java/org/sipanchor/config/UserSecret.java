package org.sipanchor.config;

import java.util.Optional;

/**
 * One user's secret for digest authentication: the password, or the precomputed HA1 values
 * ({@code MD5(user:realm:password)} and {@code SHA-256(user:realm:password)}, lower-case hex) so that the file
 * need not hold the password. A user with only {@code ha1} can answer MD5 challenges only, with only
 * {@code ha1_sha256} SHA-256 ones only.
 */
public record UserSecret(Optional<String> password, Optional<String> ha1Md5, Optional<String> ha1Sha256) {

    public static UserSecret password(String password) {
        return new UserSecret(Optional.of(password), Optional.empty(), Optional.empty());
    }

    /** Never the secret itself: records print their fields, and configurations get logged. */
    @Override
    public String toString() {
        return "UserSecret[" + (password.isPresent() ? "password" : "")
                + (ha1Md5.isPresent() ? " ha1" : "") + (ha1Sha256.isPresent() ? " ha1_sha256" : "") + "]";
    }
}
