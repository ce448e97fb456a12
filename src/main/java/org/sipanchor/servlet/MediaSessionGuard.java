package org.sipanchor.servlet;

import java.util.logging.Logger;

import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipApplicationSessionEvent;
import javax.servlet.sip.SipApplicationSessionListener;

import org.sipanchor.media.MediaCall;
import org.sipanchor.media.RtpEngineService;

/**
 * The last line against leaked media sessions: when a call's SIP application session ends for any reason
 * (invalidated, or destroyed after expiry), whatever media is still anchored is released; the call is found in the
 * session, or, when the container has already emptied it, in {@link RtpEngineService}'s registry by the session's id. An expiring session
 * whose call is still alive on RTPEngine is extended instead, so a long call keeps its media. Declare it in
 * {@code sip.xml}:
 *
 * <pre>{@code
 * <listener><listener-class>org.sipanchor.servlet.MediaSessionGuard</listener-class></listener>
 * }</pre>
 */
public class MediaSessionGuard implements SipApplicationSessionListener {

    /** Minutes an expiring session of a live call is extended by. */
    static final int EXTENSION_MINUTES = 3;

    private static final Logger LOG = Logger.getLogger(MediaSessionGuard.class.getName());

    @Override
    public void sessionCreated(SipApplicationSessionEvent event) {
        // nothing anchored yet
    }

    @Override
    public void sessionExpired(SipApplicationSessionEvent event) {
        SipApplicationSession session = event.getApplicationSession();
        MediaCall call = MediaCall.in(session).orElse(null);
        if (call == null || call.isReleased()) {
            return;
        }
        if (rtpengine().isAlive(call)) {
            session.setExpires(EXTENSION_MINUTES);
            LOG.fine(() -> "call-id=" + call.callId() + " still has media: session extended by " + EXTENSION_MINUTES + " min");
        } else if (rtpengine().delete(call)) {
            LOG.info(() -> "call-id=" + call.callId() + " session expired: media released");
        }
    }

    @Override
    public void sessionDestroyed(SipApplicationSessionEvent event) {
        release(event.getApplicationSession(), "session ended");
    }

    @Override
    public void sessionReadyToInvalidate(SipApplicationSessionEvent event) {
        release(event.getApplicationSession(), "session ready to invalidate");
    }

    private void release(SipApplicationSession session, String why) {
        // Restcomm removes the attributes of an invalidated (or undeployed) session before it reports it destroyed:
        // then only the service's registry still knows the call.
        RtpEngineService rtpengine = rtpengine();
        MediaCall call = MediaCall.in(session).or(() -> rtpengine.callOfApplicationSession(session.getId())).orElse(null);
        if (call != null && SipAnchorApplication.current().map(SipAnchorApplication::isHandingOver).orElse(false)) {
            // The application stops and hands its calls over (the proxy): their dialogs go on through a restarted
            // process or another node, which serves their media from their route; reconciliation deletes what
            // nobody serves once its media stops.
            LOG.fine(() -> "call-id=" + call.callId() + " " + why + " as the application stops: media handed over");
            return;
        }
        if (call != null && !call.isReleased() && rtpengine.delete(call)) {
            LOG.info(() -> "call-id=" + call.callId() + " " + why + " with media still anchored: released");
        }
    }

    private static RtpEngineService rtpengine() {
        return SipAnchorCdi.bean(RtpEngineService.class);
    }
}
