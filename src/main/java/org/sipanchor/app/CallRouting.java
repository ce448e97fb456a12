package org.sipanchor.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.AppConfig;

/**
 * Where the bundled applications send a new call: the registered contacts of the Request-URI's
 * address (forking when there are several), else {@code app.next_hop}, else nowhere (404).
 */
@Singleton
public class CallRouting {

    /**
     * The outcome for one request.
     *
     * @param contacts registered contacts to send it to, each its own branch
     * @param nextHop  the configured next hop, used only when there are no contacts; loose-routing ({@code ;lr})
     */
    public record Targets(List<URI> contacts, Optional<SipURI> nextHop) {

        public boolean isEmpty() {
            return contacts.isEmpty() && nextHop.isEmpty();
        }
    }

    private final LocationService locations;
    private final AppConfig app;

    @Inject
    public CallRouting(LocationService locations, AppConfig app) {
        this.locations = locations;
        this.app = app;
    }

    public Targets targets(SipServletRequest request, SipFactory factory) throws ServletParseException {
        List<URI> contacts = new ArrayList<>();
        for (Binding binding : locations.lookup(request.getRequestURI().toString())) {
            contacts.add(factory.createURI(binding.contact()));
        }
        if (!contacts.isEmpty() || app.nextHop().isEmpty()) {
            return new Targets(List.copyOf(contacts), Optional.empty());
        }
        SipURI nextHop = (SipURI) factory.createURI(app.nextHop().get());
        nextHop.setLrParam(true);
        return new Targets(List.of(), Optional.of(nextHop));
    }
}
