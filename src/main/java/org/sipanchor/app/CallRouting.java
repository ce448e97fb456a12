package org.sipanchor.app;

import java.util.ArrayList;
import java.util.List;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.TelURL;
import javax.servlet.sip.URI;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.AppConfig;
import org.sipanchor.servlet.ProxyTargets;

/**
 * Where the bundled applications send a new call: the registered contacts of the Request-URI's
 * address (forking when there are several, to at most {@code app.max_branches}: the most recently registered or
 * refreshed, so that one user's many contacts cannot make one INVITE a flood), else {@code app.next_hop} with the
 * called user kept ({@code sip:bob@example.com} goes to {@code sip:bob@<next hop>}), else nowhere (404).
 */
@Singleton
public class CallRouting {

    private final LocationService locations;
    private final AppConfig app;

    @Inject
    public CallRouting(LocationService locations, AppConfig app) {
        this.locations = locations;
        this.app = app;
    }

    /** The destinations of a new request: see the class comment. */
    public ProxyTargets targets(SipServletRequest request, SipFactory factory) throws ServletParseException {
        List<Binding> bindings = locations.lookup(request.getRequestURI().toString());
        // the lookup lists the contact refreshed longest ago first: the last ones are the live phones
        List<URI> contacts = new ArrayList<>();
        for (Binding binding : bindings.subList(Math.max(0, bindings.size() - app.maxBranches()), bindings.size())) {
            contacts.add(factory.createURI(binding.contact()));
        }
        if (!contacts.isEmpty() || app.nextHop().isEmpty()) {
            return ProxyTargets.to(contacts);
        }
        SipURI nextHop = (SipURI) factory.createURI(app.nextHop().get());
        if (request.getRequestURI() instanceof SipURI called && called.getUser() != null) {
            nextHop.setUser(called.getUser());
        } else if (request.getRequestURI() instanceof TelURL number) {
            nextHop.setUser(number.getPhoneNumber());
        }
        return ProxyTargets.to(List.of(nextHop));
    }
}
