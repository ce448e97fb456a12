package org.sipanchor.sdp;

import java.util.Objects;

/**
 * The {@code o=} line: {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>}.
 * Session id and version are kept as text: some endpoints send values wider than a {@code long}.
 *
 * <pre>{@code
 * Origin o = SessionDescription.parse(body).origin();
 * o.username();        // "-" for a browser, the UA name for many phones
 * }</pre>
 */
public record Origin(String username, String sessionId, String sessionVersion,
                     String netType, String addrType, String address) {

    public Origin {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(sessionVersion, "sessionVersion");
        Objects.requireNonNull(netType, "netType");
        Objects.requireNonNull(addrType, "addrType");
        Objects.requireNonNull(address, "address");
    }

    /** The same origin with another username (what {@link SessionDescription#maskIdentity} writes). */
    public Origin withUsername(String newUsername) {
        return new Origin(newUsername, sessionId, sessionVersion, netType, addrType, address);
    }

    /** The line as SDP writes it, without {@code o=}'s line ending. */
    String toLine() {
        return "o=" + String.join(" ", username, sessionId, sessionVersion, netType, addrType, address);
    }
}
