package org.sipanchor.config;

import java.net.InetSocketAddress;

/**
 * A host and a port as operators write them: {@code 127.0.0.1:5060}, {@code [::1]:22222} or
 * {@code rtpengine-1:22222}. Parsing never touches DNS.
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
    }

    /**
     * Parses {@code host:port}; IPv6 literals go in brackets.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static HostPort parse(String text) {
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got \"" + text + "\"");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address needs brackets: [" + host + "]:port");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port \"" + trimmed.substring(colon + 1) + "\" is not a number");
        }
        return new HostPort(host, port);
    }

    /**
     * The socket address, with the host resolved now; a host that does not resolve gives an unresolved address
     * ({@link InetSocketAddress#isUnresolved()}), which the caller reports in its own terms.
     */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
