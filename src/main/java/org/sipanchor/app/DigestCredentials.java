package org.sipanchor.app;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of one {@code Authorization} or {@code Proxy-Authorization} header value with the Digest scheme
 * (RFC 7616 section 3.4): {@code Digest username="alice", realm="...", nonce="...", uri="...", response="...",
 * algorithm=SHA-256, qop=auth, nc=00000001, cnonce="..."}.
 */
public record DigestCredentials(Map<String, String> params) {

    public DigestCredentials {
        params = Map.copyOf(params);
    }

    /** The Digest credentials in a header value; empty for another scheme or a value that does not parse. */
    public static Optional<DigestCredentials> parse(String header) {
        String value = header.trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(value.charAt(6))) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        int i = 7;
        int n = value.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(value.charAt(i)) || value.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int equals = value.indexOf('=', i);
            if (equals < 0) {
                return Optional.empty();
            }
            String name = value.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            i = equals + 1;
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            StringBuilder text = new StringBuilder();
            if (i < n && value.charAt(i) == '"') {
                i++;
                while (i < n && value.charAt(i) != '"') {
                    if (value.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    text.append(value.charAt(i++));
                }
                if (i >= n) {
                    return Optional.empty(); // an unterminated quoted string
                }
                i++;
            } else {
                while (i < n && value.charAt(i) != ',') {
                    text.append(value.charAt(i++));
                }
            }
            // a parameter given twice is ambiguous: which one would the response have been computed with?
            if (params.put(name, text.toString().trim()) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(new DigestCredentials(params));
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(params.get(name));
    }

    public String username() {
        return params.getOrDefault("username", "");
    }

    public String realm() {
        return params.getOrDefault("realm", "");
    }

    /** Never the response or the nonce: this may end up in a log line. */
    @Override
    public String toString() {
        return "DigestCredentials[username=" + username() + ", realm=" + realm() + "]";
    }
}
