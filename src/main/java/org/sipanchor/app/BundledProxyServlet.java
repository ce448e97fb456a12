package org.sipanchor.app;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

import jakarta.inject.Inject;

import org.sipanchor.config.AppConfig;
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
    private static final Logger LOG = Logger.getLogger(BundledProxyServlet.class.getName());
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO, PRACK, MESSAGE, SUBSCRIBE, NOTIFY, REFER";

    @Inject
    private transient LocationService locations;
    @Inject
    private transient CallRouting routing;
    @Inject
    private transient AppConfig app;

    /** Answers OPTIONS sent to this server; relays the rest. */
    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        if (request.isInitial() && isForThisServer(request)) {
            answerOptions(request);
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
        String aor = request.getTo().getURI().toString();
        int expiresHeader = request.getExpires();
        List<LocationService.ContactUpdate> updates = new ArrayList<>();
        boolean wildcard = false;
        ListIterator<Address> contacts = request.getAddressHeaders("Contact");
        while (contacts.hasNext()) {
            Address contact = contacts.next();
            if (contact.isWildcard()) {
                wildcard = true;
            } else {
                updates.add(new LocationService.ContactUpdate(contact.getURI().toString(), contact.getExpires()));
            }
        }
        if (wildcard) {
            if (expiresHeader != 0 || !updates.isEmpty()) {
                request.createResponse(SipServletResponse.SC_BAD_REQUEST, "Contact * Needs Expires 0 Alone").send();
                return;
            }
            locations.removeAll(aor);
            request.createResponse(SipServletResponse.SC_OK).send();
            return;
        }
        List<Binding> bindings;
        try {
            bindings = updates.isEmpty() ? locations.lookup(aor)
                    : locations.update(aor, updates, expiresHeader, request.getCallId(), cseq(request));
        } catch (RegistrationRejected e) {
            SipServletResponse response = request.createResponse(e.status(), e.getMessage());
            if (e.status() == SipServletResponse.SC_INTERVAL_TOO_BRIEF) {
                response.setHeader("Min-Expires", Integer.toString(app.registrar().minExpires()));
            }
            response.send();
            return;
        }
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        Instant now = Instant.now();
        for (Binding binding : bindings) {
            Address contact = sipFactory().createAddress(sipFactory().createURI(binding.contact()));
            contact.setExpires((int) binding.secondsLeft(now));
            ok.addAddressHeader("Contact", contact, false);
        }
        ok.send();
        LOG.fine(() -> "call-id=" + request.getCallId() + " registered " + aor + " -> " + bindings.size() + " contact(s)");
    }

    private static boolean isForThisServer(SipServletRequest request) {
        return request.getRequestURI() instanceof SipURI uri && (uri.getUser() == null || uri.getUser().isEmpty());
    }

    private static void answerOptions(SipServletRequest request) throws IOException {
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        ok.setHeader("Allow", ALLOW);
        ok.setHeader("Accept", "application/sdp");
        ok.send();
    }

    private static long cseq(SipServletRequest request) {
        String value = request.getHeader("CSeq");
        return Long.parseLong(value.trim().split("\\s+")[0]);
    }
}
