package org.sipanchor.app;

import java.io.IOException;

import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;

import jakarta.inject.Inject;

import org.sipanchor.servlet.MediaProxyServlet;
import org.sipanchor.servlet.ProxyTargets;

/**
 * The bundled application in proxy mode: a registrar and a media-anchoring, record-routing proxy
 * ({@link MediaProxyServlet}). REGISTER stores contacts; every other initial request goes to the registered
 * contacts of its Request-URI (in parallel when there are several), else to {@code app.next_hop}, else gets
 * 404. OPTIONS addressed to the server itself is answered here.
 */
public class BundledProxyServlet extends MediaProxyServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    private transient Registrar registrar;
    @Inject
    private transient CallRouting routing;

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
        return routing.targets(request, sipFactory());
    }

    /** The registrar: stores, refreshes and removes contacts (RFC 3261 section 10.3). */
    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        registrar.register(request, sipFactory());
    }
}
