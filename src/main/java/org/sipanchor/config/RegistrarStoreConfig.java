package org.sipanchor.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the bundled registrar keeps its bindings when several nodes share them: a Redis server
 * ({@code app.registrar.store: "redis://host:port"}, {@code rediss://} over TLS, an optional {@code user:password@} and
 * {@code /database}). Absent, the registrar keeps them in this node's memory.
 *
 * @param host     the Redis server's host
 * @param port     its port
 * @param user     the ACL user, if any
 * @param password the password, if any: never logged, {@link #toString()} masks it
 * @param database the logical database (0 to 15 on a default Redis)
 * @param tls      {@code rediss://}
 * @param timeout  how long one registrar operation may take (connecting, waiting for a pooled connection, the reply)
 *                 before the request that needed it is refused
 */
public record RegistrarStoreConfig(String host, int port, Optional<String> user, Optional<String> password, int database,
        boolean tls, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_PORT = 6379;

    /**
     * Reads {@code redis://[user:password@]host[:port][/database]} or {@code rediss://...}.
     *
     * @throws IllegalArgumentException with what is wrong, never quoting a password
     */
    static RegistrarStoreConfig parse(String text, Duration timeout) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("must be a redis:// or rediss:// URI such as redis://127.0.0.1:6379");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("names no host (redis://host:port)");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("takes no query or fragment");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String info = uri.getUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("user information must be user:password or :password");
            }
            user = Optional.of(info.substring(0, colon)).filter(name -> !name.isEmpty());
            password = Optional.of(info.substring(colon + 1)).filter(secret -> !secret.isEmpty());
        }
        int database = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            if (!path.matches("/\\d{1,5}")) {
                throw new IllegalArgumentException("the path must be a database number such as /0");
            }
            database = Integer.parseInt(path.substring(1));
        }
        return new RegistrarStoreConfig(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), user, password,
                database, scheme.equals("rediss"), timeout);
    }

    /** The store's URI with the password masked: what logs and errors may show. */
    @Override
    public String toString() {
        String credentials = user.isPresent() || password.isPresent()
                ? user.orElse("") + (password.isPresent() ? ":***" : "") + "@" : "";
        return (tls ? "rediss://" : "redis://") + credentials + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + "/" + database;
    }
}
