package org.sipanchor.app;

import java.text.ParseException;
import java.util.List;
import java.util.logging.Logger;

import javax.servlet.sip.SipServletResponse;
import javax.sip.SipFactory;
import javax.sip.header.HeaderFactory;

import org.mobicents.servlet.sip.message.SipServletMessageImpl;

/**
 * Puts several challenges on a 401 or 407, one WWW-Authenticate (or Proxy-Authenticate) header each, as RFC 8760
 * section 2.4 asks (RFC 3261's grammar allows one challenge per header). Restcomm's {@code addHeader} treats these
 * headers as single-valued and keeps only the last one added, so the further ones go onto the JAIN SIP message
 * underneath; in a container without that, the response carries the first (preferred) challenge only.
 */
final class ChallengeHeaders {

    private static final Logger LOG = Logger.getLogger(ChallengeHeaders.class.getName());

    private ChallengeHeaders() {
    }

    static void add(SipServletResponse response, String name, List<String> challenges) {
        response.setHeader(name, challenges.get(0));
        if (challenges.size() == 1) {
            return;
        }
        if (!(response instanceof SipServletMessageImpl restcomm)) {
            return;
        }
        try {
            HeaderFactory headers = SipFactory.getInstance().createHeaderFactory();
            for (String challenge : challenges.subList(1, challenges.size())) {
                restcomm.getMessage().addLast(headers.createHeader(name, challenge));
            }
        } catch (ParseException | javax.sip.SipException | RuntimeException e) {
            // the preferred challenge is there already: a client that knows only the other one is challenged again
            LOG.warning(() -> "only the first " + name + " challenge could be sent: " + e);
        }
    }
}
