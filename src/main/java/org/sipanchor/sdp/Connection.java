package org.sipanchor.sdp;

import java.util.Objects;

/**
 * A {@code c=} line: {@code c=<nettype> <addrtype> <connection-address>}. The address is kept as written,
 * including a multicast {@code /ttl/count} suffix.
 *
 * <pre>{@code
 * sdp.connection().map(Connection::address).orElse("none");   // "203.0.113.7"
 * }</pre>
 */
public record Connection(String netType, String addrType, String address) {

    public Connection {
        Objects.requireNonNull(netType, "netType");
        Objects.requireNonNull(addrType, "addrType");
        Objects.requireNonNull(address, "address");
    }

    /** Whether this is the RFC 3264 "0.0.0.0" style hold address (still seen from older endpoints). */
    public boolean isUnspecified() {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    static Connection parse(Line line) {
        String[] t = Fields.of(line.value());
        if (t.length != 3) {
            throw SdpException.malformed(line, "expected c=<nettype> <addrtype> <connection-address>");
        }
        return new Connection(t[0], t[1], t[2]);
    }
}
