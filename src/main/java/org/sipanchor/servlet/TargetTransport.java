package org.sipanchor.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * The transport a new request takes to its target, chosen as RFC 3263 section 4.1 says: the target's own
 * {@code transport} parameter; TLS for {@code sips:}; otherwise UDP, whatever transport the caller used. A request
 * too large for a UDP datagram at all (over 65,507 bytes) goes over TCP.
 *
 * <p>The choice is written into the target as its {@code transport} parameter, because neither the container nor
 * the stack makes it: Restcomm 3.2.0-37's proxy sends a branch whose target names no transport over the transport of
 * its own Record-Route, which is the caller's (a TCP caller's call to a UDP-only callee failed with "Could not
 * connect"), and jain-sip sends whatever size it is given over the transport it is given.
 *
 * <p>RFC 3261 section 18.1.1 would also move a request over 1300 bytes (an unknown path MTU less 200) to TCP, and
 * back to UDP when the TCP connection is refused. That switch is not made here: without the fallback, which a proxy
 * branch cannot do in Restcomm (a branch never sent stays pending until Timer C), it turns every call with an
 * SRTP or WebRTC offer (1.3 to 2 KB) to a UDP-only callee into a 503, where UDP (fragmented) reaches it.
 *
 * <p>A request that cannot be sent to its target at all (connection refused, send failure) is answered as RFC 3261
 * sections 8.1.3.1 and 16.9 say: as if the target had answered 503.
 */
final class TargetTransport {

    /** The largest UDP payload over IPv4: a larger request cannot be sent as one datagram. */
    static final int UDP_LIMIT = 65_507;
    /**
     * What the container still adds to a request once the application is done with it (the proxy's Via and one or
     * two Record-Routes with its routing parameters; the B2BUA's Via and Contact), counted before it is there.
     */
    static final int ADDED_BY_CONTAINER = 400;
    /** More than the headers of any request sipanchor relays: below this much body, the request fits a datagram. */
    static final int HEADROOM = 32 * 1024;

    private TargetTransport() {
    }

    /**
     * Makes {@code request} go to {@code target} with its transport named, when {@code target} names none (and is not
     * {@code sips:}): UDP, or TCP for a request over {@link #UDP_LIMIT} bytes once sent. Call it when the body is
     * final. A target that names its transport is left to the container.
     *
     * @param request a B-leg request (whose Request-URI is its target) or a proxy branch's request (whose
     *     Request-URI becomes its target only when the proxy starts)
     */
    static void pin(SipServletRequest request, URI target) {
        if (target instanceof SipURI sip && namesNoTransport(sip)) {
            SipURI pinned = (SipURI) sip.clone();
            pinned.setTransportParam(transportFor(request));
            request.setRequestURI(pinned);
        }
    }

    /** The transport for a request of {@code bytes} to a target that names none. */
    static String forSize(int bytes) {
        return bytes > UDP_LIMIT ? "tcp" : "udp";
    }

    /**
     * The transport for {@code request} to a target that names none. The request is serialised to be measured only
     * when its body leaves less than {@link #HEADROOM} for headers, not on every call.
     */
    private static String transportFor(SipServletRequest request) {
        if (request.getContentLength() < UDP_LIMIT - HEADROOM) {
            return "udp";
        }
        return forSize(request.toString().getBytes(StandardCharsets.UTF_8).length + ADDED_BY_CONTAINER);
    }

    private static boolean namesNoTransport(SipURI target) {
        String transport = target.getTransportParam();
        return !target.isSecure() && (transport == null || transport.isBlank());
    }

    /**
     * Answers {@code request} 503 because what it was relayed as could not be sent: the caller may try elsewhere,
     * and it is not the server's own error (500).
     */
    static void refuseUnreachable(SipServletRequest request) throws IOException {
        SipServletResponse unavailable = request.createResponse(SipServletResponse.SC_SERVICE_UNAVAILABLE);
        unavailable.setHeader("Warning", "399 sipanchor \"destination unreachable\"");
        unavailable.send();
    }
}
