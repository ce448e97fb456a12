package com.example.ivr;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import jakarta.inject.Inject;

import org.sipanchor.config.AppSettings;
import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.MediaSession;
import org.sipanchor.media.Party;
import org.sipanchor.media.Profile;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.servlet.MediaB2buaServlet;

/**
 * An IVR menu on every call to the back office: the media is anchored on G.711 only, and the caller's keys are
 * answered by RTPEngine: 1 plays the announcement, 2 plays it again after a pause, # hangs up, any other key is
 * played back as a tone.
 */
public class Ivr extends MediaB2buaServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(Ivr.class.getName());

    @Inject
    private transient AppSettings settings;
    private transient Profile ivr;

    @Override
    public void init() throws ServletException {
        super.init();
        ivr = profileNamed("ivr"); // media.profiles.ivr carries the "inject DTMF" flag that tones need
    }

    @Override
    protected Optional<URI> target(SipServletRequest request) throws ServletParseException {
        String user = ((SipURI) request.getRequestURI()).getUser();
        return Optional.of(sipFactory().createURI("sip:" + user + "@" + settings.string("back_office")));
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
    protected void onDtmf(MediaSession call, Party from, DtmfEvent key) throws IOException {
        if (key.injected() || from.role() != Party.Role.CALLER) {
            return; // our own tones coming back, or the back office's keys
        }
        LOG.info(() -> "call-id=" + call.callId() + " caller pressed " + key.digit());
        switch (key.digit()) {
            case '1' -> announce(call);
            case '2' -> startTimer(call, Duration.ofMillis(500), "announce again");
            case '#' -> hangUp(call, "caller left the menu");
            default -> {
                from.playDtmf(String.valueOf(key.digit()));
                LOG.info(() -> "call-id=" + call.callId() + " " + key.digit() + " played back as a tone");
            }
        }
    }

    @Override
    protected void onTimer(ServletTimer timer) {
        rtpengine().session(timer.getApplicationSession()).ifPresent(this::announce);
    }

    private void announce(MediaSession call) {
        Optional<Duration> length = call.caller().play(settings.string("announcement"));
        LOG.info(() -> "call-id=" + call.callId() + " announcement playing for " + length.map(Duration::toMillis).orElse(0L) + " ms");
    }
}
