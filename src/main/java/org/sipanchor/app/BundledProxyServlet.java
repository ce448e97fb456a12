package org.sipanchor.app;

import java.io.IOException;
import java.util.OptionalInt;

import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;

import jakarta.inject.Inject;

import org.sipanchor.servlet.MaxBreadth;
import org.sipanchor.servlet.MediaProxyServlet;
import org.sipanchor.servlet.ProxyTargets;

/**
 * The bundled application in proxy mode: a registrar and a media-anchoring, record-routing proxy
 * ({@link MediaProxyServlet}). REGISTER stores contacts; every other initial request goes to the registered
 * contacts of its Request-URI (in parallel when there are several), else to {@code app.next_hop}, else gets
 * 404. OPTIONS addressed to the server itself is answered here. Every other new request passes the {@link Gatekeeper}
 * first (loops, and credentials from untrusted sources), and a fork honours Max-Breadth (RFC 5393).
 */
public class BundledProxyServlet extends MediaProxyServlet {
    private static final long serialVersionUID = 1L;
    /** RFC 5393's status, which the servlet API names no constant for. */

    @Inject
    private transient Registrar registrar;
    @Inject
    private transient CallRouting routing;

    /** The targets worked out while checking Max-Breadth, so the relay forks to exactly those. */
    private static final String TARGETS = BundledProxyServlet.class.getName() + ".targets";

    /** New requests pass the gatekeeper and the Max-Breadth check before anything is relayed or anchored. */
    @Override
    protected void doRequest(SipServletRequest request) throws ServletException, IOException {
        if (!registrar.admits(request, getServletContext())) {
            return;
        }
        if (request.isInitial() && !"REGISTER".equals(request.getMethod()) && !registrar.isOptionsToThisServer(request)
                && !"ACK".equals(request.getMethod()) && !"CANCEL".equals(request.getMethod()) && !shareBreadth(request)) {
            return;
        }
        super.doRequest(request);
    }

    /**
     * Divides the request's Max-Breadth among its branches (RFC 5393 section 5.3): each branch carries its share, and
     * a fork wider than the breadth left gets 440, a malformed value 400. The targets are looked up here, before any
     * media is anchored: a registrar that cannot be reached answers 503 with Retry-After.
     *
     * @return whether to go on
     */
    private boolean shareBreadth(SipServletRequest request) throws ServletException, IOException {
        ProxyTargets targets;
        try {
            targets = routing.targets(request, sipFactory());
        } catch (LocationUnavailableException e) {
            Registrar.refuseUnavailable(request, e);
            return false;
        }
        int branches = targets.destinations().size();
        OptionalInt share = MaxBreadth.shareOrRefuse(request, branches);
        if (share.isEmpty()) {
            return false;
        }
        MaxBreadth.carry(request, request, branches, share.getAsInt());
        request.setAttribute(TARGETS, targets);
        return true;
    }


    /** Answers OPTIONS sent to this server; relays the rest. */
    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        if (registrar.isForThisServer(request)) {
            registrar.answerOptions(request);
        } else {
            super.doOptions(request);
        }
    }

    @Override
    protected ProxyTargets targets(SipServletRequest request) throws ServletException {
        if (request.getAttribute(TARGETS) instanceof ProxyTargets decided) {
            return decided;
        }
        return routing.targets(request, sipFactory());
    }

    /** The registrar: stores, refreshes and removes contacts (RFC 3261 section 10.3). */
    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        registrar.register(request, sipFactory());
    }
}
