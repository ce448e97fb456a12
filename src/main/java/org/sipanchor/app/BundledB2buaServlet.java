package org.sipanchor.app;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import jakarta.inject.Inject;

import org.sipanchor.media.Profile;
import org.sipanchor.media.Side;
import org.sipanchor.servlet.MediaB2buaServlet;

/**
 * The bundled application in B2BUA mode ({@code app.mode: b2bua}): the same registrar as the proxy mode, and a
 * media-anchoring back-to-back user agent ({@link MediaB2buaServlet}) with {@code app.profile} and topology hiding.
 * A new request passes the {@link Gatekeeper} first (credentials from untrusted sources). A call rings the registered
 * contacts of its Request-URI at once (at most {@code app.max_branches}, the most recent; the first to answer takes
 * it, the others are cancelled), else goes to {@code app.next_hop} (with the called user kept), else gets 404. A request outside a call
 * (MESSAGE, OPTIONS) goes to the most recently registered contact.
 *
 * <p>As a WebRTC gateway ({@code ws_to_rtp}, {@code wss_to_rtp}), the party that speaks SIP over WebSocket is the
 * browser side (A) of the profile, whichever way the call goes: a browser calling gets DTLS-SRTP and ICE back and the
 * core gets plain RTP; the core calling a browser registered over WebSocket offers it DTLS-SRTP and ICE.
 *
 * <pre>{@code
 * app:
 *   mode: b2bua                        # BundledServlet hands every message to this servlet
 *   next_hop: "sip:10.0.0.20:5060"     # the core
 *   profile: wss_to_rtp
 * }</pre>
 */
public class BundledB2buaServlet extends MediaB2buaServlet {
    private static final long serialVersionUID = 1L;

    private static final List<Profile> WEBRTC_PROFILES = List.of(Profile.WS_TO_RTP, Profile.WSS_TO_RTP);

    @Inject
    private transient Registrar registrar;
    @Inject
    private transient CallRouting routing;

    /** The targets looked up before anything is anchored, so the B-legs go to exactly those. */
    private static final String TARGETS = BundledB2buaServlet.class.getName() + ".targets";

    /**
     * New requests pass the gatekeeper (loops, and credentials from untrusted sources) before a B-leg exists, and their
     * targets are looked up before any media is anchored: a registrar that cannot be reached answers 503 with
     * Retry-After.
     */
    @Override
    protected void doRequest(SipServletRequest request) throws ServletException, IOException {
        if (!registrar.admits(request, getServletContext())) {
            return;
        }
        if (request.isInitial() && !List.of("REGISTER", "ACK", "CANCEL").contains(request.getMethod())
                && !registrar.isOptionsToThisServer(request)) {
            try {
                request.setAttribute(TARGETS, routing.targets(request, sipFactory()).destinations());
            } catch (LocationUnavailableException e) {
                Registrar.refuseUnavailable(request, e);
                return;
            }
        }
        super.doRequest(request);
    }

    /** A call rings all the contacts, as the proxy mode forks to them. */
    @Override
    protected List<URI> targets(SipServletRequest invite) throws ServletException {
        if (invite.getAttribute(TARGETS) instanceof List<?> decided) {
            return decided.stream().map(URI.class::cast).toList();
        }
        return routing.targets(invite, sipFactory()).destinations();
    }

    /** A request outside a call is not forked: the contact registered last is the one most likely to take it. */
    @Override
    protected Optional<URI> target(SipServletRequest request) throws ServletException {
        List<URI> destinations = targets(request);
        return destinations.isEmpty() ? Optional.empty() : Optional.of(destinations.get(destinations.size() - 1));
    }

    /** Over WebSocket is the browser, side A of the WebRTC profiles; the SDP decides otherwise. */
    @Override
    protected Optional<Side> callerSide(SipServletRequest invite) {
        if (!WEBRTC_PROFILES.contains(profile(invite))) {
            return Optional.empty();
        }
        if (isWebSocket(invite.getTransport())) {
            return Optional.of(Side.A);
        }
        try {
            // a call that rings a browser registered over WebSocket offers it the browser side
            for (URI target : targets(invite)) {
                if (target instanceof SipURI uri && isWebSocket(uri.getTransportParam())) {
                    return Optional.of(Side.B);
                }
            }
        } catch (ServletException e) {
            // no target: the call is refused anyway
        }
        return Optional.empty();
    }

    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        if (registrar.isForThisServer(request)) {
            registrar.answerOptions(request);
        } else {
            super.doOptions(request);
        }
    }

    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        registrar.register(request, sipFactory());
    }

    private static boolean isWebSocket(String transport) {
        return transport != null && List.of("ws", "wss").contains(transport.toLowerCase(Locale.ROOT));
    }
}
