package org.sipanchor.servlet;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /** Whether the sessions ending after the application stopped were said to release nothing. */
    private final AtomicBoolean stoppedToldOnce = new AtomicBoolean();

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
        RtpEngineService rtpengine = rtpengine(call, "session expired").orElse(null);
        if (rtpengine == null) {
            return;
        }
        if (rtpengine.isAlive(call)) {
            session.setExpires(EXTENSION_MINUTES);
            LOG.fine(() -> "call-id=" + call.callId() + " still has media: session extended by " + EXTENSION_MINUTES + " min");
        } else if (rtpengine.delete(call)) {
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
        MediaCall attached = MediaCall.in(session).orElse(null);
        if (SipAnchorApplication.current().map(SipAnchorApplication::isHandingOver).orElse(false)) {
            // The application stops and hands its calls over (the proxy): their dialogs go on through a restarted
            // process or another node, which serves their media from their route; reconciliation deletes what
            // nobody serves once its media stops. Checked first: CDI may be gone already.
            if (attached != null) {
                LOG.fine(() -> "call-id=" + attached.callId() + " " + why + " as the application stops: media handed over");
            }
            return;
        }
        RtpEngineService rtpengine = rtpengine(attached, why).orElse(null);
        if (rtpengine == null) {
            return;
        }
        // Restcomm removes the attributes of an invalidated (or undeployed) session before it reports it destroyed:
        // then only the service's registry still knows the call.
        MediaCall call = attached != null ? attached : rtpengine.callOfApplicationSession(session.getId()).orElse(null);
        if (call != null && !call.isReleased() && rtpengine.delete(call)) {
            LOG.info(() -> "call-id=" + call.callId() + " " + why + " with media still anchored: released");
        }
    }

    /**
     * The application's service, or empty once its CDI has stopped: the container ends the sessions still open after
     * it stopped the application's listeners, and nothing can reach RTPEngine from here any more. Said once per
     * application (a stop ends every session at once); the media of such a call is left to RTPEngine, where
     * reconciliation or RTPEngine's own timeout ends it.
     */
    private Optional<RtpEngineService> rtpengine(MediaCall call, String why) {
        Optional<RtpEngineService> rtpengine = SipAnchorCdi.beanIfRunning(RtpEngineService.class);
        if (rtpengine.isEmpty()) {
            String which = call == null ? "" : "call-id=" + call.callId() + " ";
            if (stoppedToldOnce.compareAndSet(false, true)) {
                LOG.info(() -> which + why + " after the application stopped: no media released from here for this or"
                        + " any session ending after it (RTPEngine's own timeout, or reconciliation on the next start,"
                        + " ends media nobody serves)");
            } else {
                LOG.fine(() -> which + why + " after the application stopped: nothing released");
            }
        }
        return rtpengine;
    }
}
