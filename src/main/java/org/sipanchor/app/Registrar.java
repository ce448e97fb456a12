package org.sipanchor.app;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.logging.Logger;

import javax.servlet.ServletContext;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.AppConfig;

/**
 * The bundled registrar's SIP side, shared by both bundled modes: REGISTER stores, refreshes and removes contacts
 * in the {@link LocationService} (RFC 3261 section 10.3), and OPTIONS addressed to the server itself is answered
 * with what it allows.
 *
 * <pre>{@code
 * @Inject Registrar registrar;
 *
 * protected void doRegister(SipServletRequest request) throws ServletException, IOException {
 *     registrar.register(request, sipFactory());
 * }
 * }</pre>
 */
@Singleton
public class Registrar {

    private static final Logger LOG = Logger.getLogger(Registrar.class.getName());

    /** The methods the bundled application handles, for Allow headers. */
    public static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO, PRACK, MESSAGE, SUBSCRIBE, NOTIFY, REFER";

    private final LocationService locations;
    private final AppConfig app;
    private final Gatekeeper gatekeeper;

    @Inject
    public Registrar(LocationService locations, AppConfig app) {
        this.locations = locations;
        this.app = app;
        this.gatekeeper = new Gatekeeper(app);
    }

    /** What every new request passes first: the same for REGISTER and for the requests the servlets relay. */
    public Gatekeeper gatekeeper() {
        return gatekeeper;
    }

    /**
     * Whether a new request other than REGISTER may go on: it did not loop back here, and a caller outside
     * {@code app.auth.trusted} authenticated. When not, the refusal (482, 407, 403) has been sent.
     */
    public boolean admits(SipServletRequest request, ServletContext context) throws IOException {
        if (!request.isInitial() || "REGISTER".equals(request.getMethod())) {
            return true;
        }
        return gatekeeper.admit(request, () -> Gatekeeper.ownAddresses(context, request), isOptionsToThisServer(request));
    }

    /** An OPTIONS this server answers itself rather than relays. */
    public boolean isOptionsToThisServer(SipServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && isForThisServer(request);
    }

    /**
     * Answers a REGISTER: 401 until it authenticates, 403 for wrong credentials or another user's address, then 200
     * with the address's bindings, 423 below the minimum expiry, 400 for a bad wildcard, 403 for more contacts than a
     * user may have, 503 with Retry-After when the registrar is full or its store cannot be reached.
     */
    public void register(SipServletRequest request, SipFactory factory) throws ServletException, IOException {
        if (gatekeeper.admitRegister(request).isEmpty()) {
            return;
        }
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
        if (wildcard && (expiresHeader != 0 || !updates.isEmpty())) {
            request.createResponse(SipServletResponse.SC_BAD_REQUEST, "Contact * Needs Expires 0 Alone").send();
            return;
        }
        List<Binding> bindings;
        try {
            if (wildcard) {
                locations.removeAll(aor);
                request.createResponse(SipServletResponse.SC_OK).send();
                return;
            }
            bindings = updates.isEmpty() ? locations.lookup(aor)
                    : locations.update(aor, updates, expiresHeader, request.getCallId(), cseq(request));
        } catch (LocationUnavailableException e) {
            refuseUnavailable(request, e);
            return;
        } catch (RegistrationRejected e) {
            SipServletResponse response = request.createResponse(e.status(), e.getMessage());
            if (e.status() == SipServletResponse.SC_INTERVAL_TOO_BRIEF) {
                response.setHeader("Min-Expires", Integer.toString(app.registrar().minExpires()));
            }
            e.retryAfterSecs().ifPresent(seconds -> response.setHeader("Retry-After", Integer.toString(seconds)));
            response.send();
            return;
        }
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        Instant now = Instant.now();
        for (Binding binding : bindings) {
            Address contact = factory.createAddress(factory.createURI(binding.contact()));
            contact.setExpires((int) binding.secondsLeft(now));
            ok.addAddressHeader("Contact", contact, false);
        }
        ok.send();
        LOG.fine(() -> "call-id=" + request.getCallId() + " registered " + aor + " -> " + bindings.size() + " contact(s)");
    }

    /**
     * Answers a request whose registrar look-up failed: 503 with Retry-After and a Warning that says what failed, and a
     * log line with the Call-ID. Nothing is stored or relayed: the client tries again, perhaps through another node.
     */
    public static void refuseUnavailable(SipServletRequest request, LocationUnavailableException e) throws IOException {
        LOG.warning(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " refused with 503: " + e.getMessage());
        SipServletResponse refusal = request.createResponse(SipServletResponse.SC_SERVICE_UNAVAILABLE, "Registrar Unavailable");
        refusal.setHeader("Retry-After", Integer.toString(LocationUnavailableException.RETRY_AFTER_SECS));
        refusal.setHeader("Warning", "399 sipanchor \"location service unavailable\"");
        refusal.send();
    }

    /** Whether an initial request is addressed to the server itself (a Request-URI without a user). */
    public boolean isForThisServer(SipServletRequest request) {
        return request.isInitial() && request.getRequestURI() instanceof SipURI uri && (uri.getUser() == null || uri.getUser().isEmpty());
    }

    /** Answers OPTIONS sent to the server itself: 200 with Allow and Accept. */
    public void answerOptions(SipServletRequest request) throws IOException {
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
