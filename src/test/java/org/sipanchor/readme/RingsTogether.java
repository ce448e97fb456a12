package org.sipanchor.readme;

import java.util.List;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import org.sipanchor.servlet.MediaB2buaServlet;

/** The README's forking B2BUA: two devices of the called user ring together. */
class RingsTogether extends MediaB2buaServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected List<URI> targets(SipServletRequest invite) throws ServletParseException {
        // the desk phone and the softphone ring together: the first to answer takes the call
        String user = ((SipURI) invite.getRequestURI()).getUser();
        return List.of(sipFactory().createURI("sip:" + user + "@desk.example.net"),
                sipFactory().createURI("sip:" + user + "@soft.example.net"));
    }
}
