package org.sipanchor.readme;

import java.util.Optional;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.URI;

import org.sipanchor.media.Side;
import org.sipanchor.servlet.MediaB2buaServlet;

/** The README's SBC recipe: the caller's side of {@code srtp_to_rtp} told by the address the INVITE arrived at. */
class AccessSideSbc extends MediaB2buaServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected Optional<Side> callerSide(SipServletRequest invite) {
        return Optional.of(invite.getLocalAddr().startsWith("192.0.2.") ? Side.A : Side.B);   // A: the SRTP side
    }

    @Override
    protected Optional<URI> target(SipServletRequest request) {
        return Optional.empty();
    }
}
