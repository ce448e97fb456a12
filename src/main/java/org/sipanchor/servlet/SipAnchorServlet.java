package org.sipanchor.servlet;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipErrorEvent;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipSessionsUtil;
import javax.servlet.sip.TimerListener;
import javax.servlet.sip.TimerService;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.inject.Inject;

import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.MediaCall;
import org.sipanchor.media.MediaException;
import org.sipanchor.media.MediaProfiles;
import org.sipanchor.media.MediaSession;
import org.sipanchor.media.Party;
import org.sipanchor.media.Profile;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.sdp.SessionDescription;

/**
 * The base of every sipanchor servlet. Declaring the servlet is all an application does: when the container starts
 * it, this base starts CDI (unless the application's {@code web.xml} did) with sipanchor's beans and the classes of
 * the servlet's package, fills the servlet's {@code @Inject} fields, and registers the application's timer and error
 * listener and the session guard that releases media left anchored. It traces every message it handles when
 * {@code log.sip_trace} is on.
 *
 * <p>What it offers subclasses: {@link #onDtmf} for the digits a call's parties send, {@link #onTimer} for the
 * application's own timers ({@link #startTimer}), and {@link #profileNamed} to look a profile up at start-up.
 *
 * <pre>{@code
 * public class Menu extends MediaProxyServlet {
 *     @Inject AppSettings settings;
 *
 *     protected void onDtmf(MediaSession call, Party from, DtmfEvent digit) {
 *         from.play(settings.string("prompts") + "/you-pressed-" + digit.digit() + ".wav");
 *     }
 * }
 * }</pre>
 */
public abstract class SipAnchorServlet extends SipServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(SipAnchorServlet.class.getName());

    @Inject
    private transient SipTrace trace;
    @Inject
    private transient RtpEngineService rtpengine;
    @Inject
    private transient MediaProfiles profiles;

    private transient CreationalContext<SipAnchorServlet> creationalContext;
    private transient SipFactory sipFactory;
    private transient SipAnchorApplication application;
    /** Whether the subclass shapes SDP at all: when not, no SDP is parsed only to be handed back unchanged. */
    private transient boolean shapesOffers;
    private transient boolean shapesAnswers;

    @Override
    public void init() throws ServletException {
        super.init();
        sipFactory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        SipAnchorCdi.startIfNeeded(getServletContext(), getClass());
        creationalContext = SipAnchorCdi.inject(getServletContext(), this);
        shapesOffers = overrides("shapeOffer");
        shapesAnswers = overrides("shapeAnswer");
        application = SipAnchorApplication.register(this);
        ContainerListeners.register(getServletContext());
    }

    /** The application this servlet belongs to (its registry of servlets, its state while stopping). */
    final SipAnchorApplication application() {
        return application;
    }

    /** The container's factory for URIs, addresses and requests. */
    protected SipFactory sipFactory() {
        return sipFactory;
    }

    /** The calls' media: {@code rtpengine().session(request)} gives a call's {@link MediaSession}. */
    protected final RtpEngineService rtpengine() {
        return rtpengine;
    }

    /** The container's way to an application session by its id. */
    protected final SipSessionsUtil sipSessions() {
        return (SipSessionsUtil) getServletContext().getAttribute(SIP_SESSIONS_UTIL);
    }

    /**
     * The profile called {@code name}, built in or from {@code media.profiles}. Call it in {@link #init()}: a name
     * nobody defined then stops the deployment, naming the profiles that exist.
     */
    protected final Profile profileNamed(String name) {
        return profiles.named(name);
    }

    /**
     * Starts a timer in {@code session}; when it fires, {@link #onTimer} gets it with {@code info}. Timers are the
     * container's ({@link TimerService}), so the handler runs under the call's application session like a message.
     */
    protected final ServletTimer startTimer(SipApplicationSession session, Duration delay, Serializable info) {
        return timerService().createTimer(session, delay.toMillis(), false, info);
    }

    /** {@link #startTimer(SipApplicationSession, Duration, Serializable)} in the application session of {@code call}. */
    protected final ServletTimer startTimer(MediaSession call, Duration delay, Serializable info) {
        return startTimer(applicationSession(call), delay, info);
    }

    /**
     * The SIP application session of a call, e.g. to send a request in it from {@link #onDtmf}.
     *
     * @throws IllegalStateException when the call has ended
     */
    protected final SipApplicationSession applicationSession(MediaSession call) {
        return rtpengine.applicationSessionOf(call.callId()).map(id -> sipSessions().getApplicationSessionById(id))
                .filter(SipApplicationSession::isValid)
                .orElseThrow(() -> new IllegalStateException("call-id=" + call.callId() + " has ended"));
    }

    /**
     * A timer of the application's own fired (one that sipanchor did not start). Runs on a container thread under
     * the call's application session. By default it is logged and ignored.
     */
    protected void onTimer(ServletTimer timer) throws ServletException, IOException {
        LOG.warning(() -> "timer " + timer.getInfo() + " fired but " + getClass().getName() + " does not override onTimer");
    }

    /**
     * A party of a call this servlet handles sent a DTMF digit (RTPEngine reports them to
     * {@code media.dtmf_events.listen}). Runs on a container thread under the call's application session, so it may
     * send SIP (INFO, BYE, re-INVITE) and control the media: {@code from.play(...)}, {@code from.other().silence()}.
     * Digits sipanchor injected itself come back marked {@link DtmfEvent#injected()}. Does nothing by default.
     */
    protected void onDtmf(MediaSession call, Party from, DtmfEvent event) throws ServletException, IOException {
        // no DTMF handling unless overridden
    }

    /**
     * Changes an SDP offer before RTPEngine sees it and it goes on: filter codecs, put a stream on hold, drop a
     * media section. {@code message} is the request (or, for a late offer, the reply) that carries it; it may be
     * read, not changed. Returns the offer unchanged by default.
     *
     * <pre>{@code
     * protected SessionDescription shapeOffer(SipServletMessage message, SessionDescription offer) {
     *     return offer.filterCodecs(List.of("PCMU", "PCMA"));   // G.711 only; telephone-event stays
     * }
     * }</pre>
     */
    protected SessionDescription shapeOffer(SipServletMessage message, SessionDescription offer) {
        return offer;
    }

    /** Changes an SDP answer before RTPEngine sees it and it goes on, like {@link #shapeOffer}. */
    protected SessionDescription shapeAnswer(SipServletMessage message, SessionDescription answer) {
        return answer;
    }

    /** {@link #shapeOffer} for the offer {@code message} carries, or no shaping at all when it is not overridden. */
    final UnaryOperator<SessionDescription> offerShaping(SipServletMessage message) {
        return shapesOffers ? offer -> shapeOffer(message, offer) : UnaryOperator.identity();
    }

    /** {@link #shapeAnswer} for the answer {@code message} carries, or no shaping at all when it is not overridden. */
    final UnaryOperator<SessionDescription> answerShaping(SipServletMessage message) {
        return shapesAnswers ? answer -> shapeAnswer(message, answer) : UnaryOperator.identity();
    }

    /** Whether a subclass overrides the SDP hook {@code name}. */
    private boolean overrides(String name) {
        for (Class<?> type = getClass(); type != SipAnchorServlet.class; type = type.getSuperclass()) {
            try {
                type.getDeclaredMethod(name, SipServletMessage.class, SessionDescription.class);
                return true;
            } catch (NoSuchMethodException e) {
                // not on this class: look further up
            }
        }
        return false;
    }

    /**
     * The one rule for a call whose first offer failed: RTPEngine has already been told to delete it
     * ({@link RtpEngineService#offerFirstOrDelete}); the call is then relayed unanchored when no RTPEngine could take
     * it and {@code media.on_failure} is {@code relay}, else rejected with the reply that says why.
     *
     * @return whether the call goes on, unanchored
     */
    final boolean firstOfferFailed(SipServletRequest request, MediaException failure) throws IOException {
        if (rtpengine.relaysUnanchored(request, failure)) {
            return true;
        }
        MediaFailureReply.send(request, failure);
        return false;
    }

    /** The container's timer service. */
    protected final TimerService timerService() {
        return (TimerService) getServletContext().getAttribute(TIMER_SERVICE);
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        // a response comes with no request (Restcomm passes null; Open Liberty a placeholder that is no SIP message)
        SipServletMessage message = request instanceof SipServletMessage received ? received : (SipServletMessage) response;
        trace.received(message);
        if (OrphanRouting.isOrphan(request, response)) {
            // no SIP session and nothing to dispatch to: the container relays it statelessly after this
            orphan(message);
            return;
        }
        if (request instanceof SipServletRequest sipRequest) {
            CompletedRequests.keepBriefly(sipRequest);
            if (sipRequest.isInitial()) {
                claimCall(sipRequest.getApplicationSession());
            }
        }
        try {
            super.service(request, response);
        } catch (MediaException e) {
            // a hook or handler let a media failure through: the request still gets the reply that says why
            if (request instanceof SipServletRequest sipRequest && !sipRequest.isCommitted() && !"ACK".equals(sipRequest.getMethod())) {
                MediaFailureReply.send(sipRequest, e);
            } else {
                LOG.warning(() -> "call-id=" + message.getCallId() + " " + e.reason());
            }
        }
    }

    /** Marks {@code session}'s call as this servlet's, unless another servlet took it first. */
    private void claimCall(SipApplicationSession session) {
        if (session.getAttribute(SipAnchorApplication.HANDLER) == null) {
            session.setAttribute(SipAnchorApplication.HANDLER, getServletName());
        }
    }

    /**
     * A timer fired in a call this servlet handles: sipanchor's own are handled by the base that started them, the
     * rest go to {@link #onTimer} (and to a timer listener the application declared itself, if any).
     */
    final void timerFired(ServletTimer timer, TimerListener declared) {
        try {
            if (timer.getInfo() instanceof SipAnchorApplication.DtmfDelivery delivery) {
                deliverDtmf(timer.getApplicationSession(), delivery.event());
            } else if (!handleTimer(timer)) {
                if (declared != null) {
                    declared.timeout(timer);
                } else {
                    onTimer(timer);
                }
            }
        } catch (ServletException | IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "timer " + timer.getInfo() + " of " + getServletName() + " failed: " + e, e);
        }
    }

    /**
     * An in-dialog request or a reply of a dialog this application no longer knows, which the container relays
     * statelessly once this returns (only where the proxy base switched that on: {@link OrphanRouting}). It has no
     * SIP session: do not ask it for one. Does nothing by default.
     */
    void orphan(SipServletMessage message) {
        // nothing to do unless a base relays orphans
    }

    /** A base's own timers; false for a timer the base did not start. */
    boolean handleTimer(ServletTimer timer) throws IOException {
        return false;
    }

    /** A 2xx this application sent got no ACK. */
    void noAckReceived(SipErrorEvent event) {
        // only the B2BUA sends 2xx of its own
    }

    private void deliverDtmf(SipApplicationSession session, DtmfEvent reported) throws ServletException, IOException {
        MediaCall call = MediaCall.in(session).orElse(null);
        MediaSession media = rtpengine.session(session).orElse(null);
        if (call == null || media == null || call.isReleased()) {
            return;
        }
        DtmfEvent event = reported.withInjected(call.isEchoOfInjected(reported.digit(), System.currentTimeMillis()));
        LOG.fine(() -> "call-id=" + event.callId() + " DTMF " + event.digit() + " from " + event.sourceTag()
                + (event.injected() ? " (echo of an injected digit)" : ""));
        Party from = media.party(event.sourceTag()).orElse(null);
        if (from != null) {
            onDtmf(media, from, event);
        }
        SipAnchorCdi.beanManager(getServletContext()).getEvent().select(DtmfEvent.class).fire(event);
    }

    @Override
    public void destroy() {
        if (creationalContext != null) {
            creationalContext.release();
        }
        if (application != null && application.unregister(this)) {
            SipAnchorCdi.stopIfStartedByServlets(getServletContext());
        }
        super.destroy();
    }
}
