package com.example.sbc;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import jakarta.inject.Inject;

import org.sipanchor.config.AppSettings;
import org.sipanchor.media.Profile;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.servlet.HeaderPolicy;
import org.sipanchor.servlet.MediaB2buaServlet;

/**
 * A session border controller: every call is a B2BUA call toward the core, with the media profile chosen by the
 * transport the caller came in on, the core's codec policy applied to both offers and answers, and the topology
 * hidden except for the one header the core bills on.
 */
public class Sbc extends MediaB2buaServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    private transient AppSettings settings;
    @Inject
    private transient CodecPolicy codecs;

    @Override
    protected Optional<URI> target(SipServletRequest request) throws ServletParseException {
        String user = ((SipURI) request.getRequestURI()).getUser();
        return Optional.of(sipFactory().createURI("sip:" + user + "@" + settings.string("core_host")));
    }

    @Override
    protected Profile profile(SipServletRequest invite) {
        return switch (invite.getTransport().toLowerCase(Locale.ROOT)) {
            case "wss" -> Profile.WSS_TO_RTP;
            case "ws" -> Profile.WS_TO_RTP;
            case "tls" -> Profile.SRTP_TO_RTP;
            default -> Profile.RTP_PASSTHROUGH;
        };
    }

    @Override
    protected SessionDescription shapeOffer(SipServletMessage message, SessionDescription offer) {
        return codecs.apply(offer);
    }

    @Override
    protected SessionDescription shapeAnswer(SipServletMessage message, SessionDescription answer) {
        return codecs.apply(answer);
    }

    @Override
    protected HeaderPolicy headerPolicy(SipServletMessage received) {
        return HeaderPolicy.topologyHiding().allowing("X-Account-Id");
    }
}
