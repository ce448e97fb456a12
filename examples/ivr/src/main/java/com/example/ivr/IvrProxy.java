package com.example.ivr;

import java.util.List;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

import jakarta.inject.Inject;

import org.sipanchor.config.AppSettings;
import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.MediaSession;
import org.sipanchor.media.Party;
import org.sipanchor.media.Profile;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.servlet.MediaProxyServlet;
import org.sipanchor.servlet.ProxyTargets;

/**
 * An IVR menu in front of a callee: calls go through with their media anchored on G.711 only, and the caller's digits
 * are answered by RTPEngine: 1 plays the announcement, any other digit is played back as a tone.
 */
public class IvrProxy extends MediaProxyServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(IvrProxy.class.getName());

    @Inject
    private transient AppSettings settings;
    private transient Profile ivr;

    @Override
    public void init() throws ServletException {
        super.init();
        ivr = profileNamed("ivr"); // media.profiles.ivr carries the "inject DTMF" flag that tones need
    }

    @Override
    protected ProxyTargets targets(SipServletRequest request) throws ServletParseException {
        String user = ((SipURI) request.getRequestURI()).getUser();
        return ProxyTargets.to(List.of(sipFactory().createURI("sip:" + user + "@" + settings.string("callee_host"))));
    }

    @Override
    protected Profile profile(SipServletRequest invite) {
        return ivr;
    }

    @Override
    protected SessionDescription shapeOffer(SipServletMessage message, SessionDescription offer) {
        return offer.filterCodecs(List.of("PCMU", "PCMA")); // telephone-event stays
    }

    @Override
    protected void onDtmf(MediaSession call, Party from, DtmfEvent digit) {
        if (digit.injected() || from.role() != Party.Role.CALLER) {
            return; // our own tones coming back, or the callee's keys
        }
        if (digit.digit() == '1') {
            var length = from.play(settings.string("announcement"));
            LOG.info(() -> "call-id=" + call.callId() + " pressed 1: announcement of " + length.map(d -> d.toMillis() + " ms").orElse("?"));
        } else {
            from.playDtmf(String.valueOf(digit.digit()));
            LOG.info(() -> "call-id=" + call.callId() + " pressed " + digit.digit() + ": tone played back");
        }
    }
}
