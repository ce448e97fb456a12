package com.example.listenin;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.ar.SipApplicationRoutingDirective;

import jakarta.inject.Inject;

import org.sipanchor.config.AppSettings;
import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.MediaSession;
import org.sipanchor.media.Party;
import org.sipanchor.media.Subscription;
import org.sipanchor.servlet.MediaProxyServlet;
import org.sipanchor.servlet.ProxyTargets;

/**
 * A recording proxy with a supervisor on call: every answered call is recorded on RTPEngine, and when the caller
 * presses 0 a supervisor is called with an offer that carries both parties' media; the supervisor is hung up when
 * the call ends.
 */
public class ListenInProxy extends MediaProxyServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ListenInProxy.class.getName());
    /** The call's application session attributes: the caller's INVITE, the supervisor's application and SIP session. */
    private static final String CALLER_INVITE = "caller-invite";
    private static final String SUPERVISOR = "supervisor";
    private static final String SUPERVISOR_LEG = "supervisor-leg";

    @Inject
    private transient AppSettings settings;
    /** Each supervisor's subscription, by the supervisor's application session. */
    private final transient Map<String, Subscription> listening = new ConcurrentHashMap<>();

    @Override
    protected ProxyTargets targets(SipServletRequest request) throws ServletParseException {
        String user = ((SipURI) request.getRequestURI()).getUser();
        return ProxyTargets.to(List.of(sipFactory().createURI("sip:" + user + "@" + settings.string("callee_host"))));
    }

    /** Keeps the caller's INVITE, which the supervisor's call continues (see {@link #onDtmf}). */
    @Override
    protected void doInvite(SipServletRequest invite) throws ServletException, IOException {
        if (invite.isInitial()) {
            invite.getApplicationSession().setAttribute(CALLER_INVITE, invite);
        }
        super.doInvite(invite);
    }

    @Override
    protected void doResponse(SipServletResponse response) throws ServletException, IOException {
        super.doResponse(response);
        if (!"INVITE".equals(response.getMethod()) || response.getStatus() / 100 != 2) {
            return;
        }
        Subscription subscription = listening.get(response.getApplicationSession().getId());
        if (subscription != null) {
            subscription.answer(response.getRawContent()); // the supervisor's SDP: media starts flowing to it
            response.createAck().send();
            LOG.info(() -> "supervisor " + response.getTo().getURI() + " is listening");
        } else if (response.getRequest().isInitial()) {
            rtpengine().session(response).ifPresent(call -> {
                call.record();
                LOG.info(() -> "call-id=" + call.callId() + " answered: recording");
            });
        }
    }

    /** 0 from the caller brings in the supervisor: runs in the call's application session, so it may send SIP. */
    @Override
    protected void onDtmf(MediaSession call, Party from, DtmfEvent key) throws ServletException, IOException {
        if (key.digit() != '0' || from.role() != Party.Role.CALLER) {
            return;
        }
        SipApplicationSession callSession = applicationSession(call);
        if (callSession.getAttribute(SUPERVISOR) != null) {
            return;
        }
        Subscription subscription = call.subscribe(call.caller(), call.callee());
        SipApplicationSession supervisorSession = sipFactory().createApplicationSession();
        SipServletRequest invite = sipFactory().createRequest(supervisorSession, "INVITE",
                "sip:listen-in@" + settings.string("own_host"), settings.string("supervisor"));
        // The caller's call goes on to the supervisor: past this application, as the caller's INVITE went. A new
        // request starts afresh (NEW) from the first application the container routes INVITEs to, which is this
        // one again on a container that follows JSR 289's default router to the letter (Open Liberty's does).
        SipServletRequest callerInvite = (SipServletRequest) callSession.getAttribute(CALLER_INVITE);
        invite.setRoutingDirective(SipApplicationRoutingDirective.CONTINUE, callerInvite);
        invite.setContent(subscription.offer(), "application/sdp");
        invite.getSession().setHandler(getServletName());
        listening.put(supervisorSession.getId(), subscription);
        callSession.setAttribute(SUPERVISOR, supervisorSession.getId());
        callSession.setAttribute(SUPERVISOR_LEG, invite.getSession().getId());
        invite.send();
        LOG.info(() -> "call-id=" + call.callId() + " caller pressed 0: supervisor called");
    }

    /** The call ends, and so does the supervisor's (the subscription goes with the call's media). */
    @Override
    protected void doBye(SipServletRequest bye) throws ServletException, IOException {
        super.doBye(bye);
        String supervisor = (String) bye.getApplicationSession().getAttribute(SUPERVISOR);
        if (supervisor == null) {
            return;
        }
        listening.remove(supervisor);
        SipApplicationSession session = sipSessions().getApplicationSessionById(supervisor);
        SipSession leg = session == null ? null : session.getSipSession((String) bye.getApplicationSession().getAttribute(SUPERVISOR_LEG));
        if (leg != null && leg.getState() == SipSession.State.CONFIRMED) {
            leg.createRequest("BYE").send();
        }
    }
}
