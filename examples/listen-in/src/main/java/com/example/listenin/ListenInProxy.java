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

import jakarta.inject.Inject;

import org.sipanchor.config.AppSettings;
import org.sipanchor.media.MediaSession;
import org.sipanchor.media.Subscription;
import org.sipanchor.servlet.MediaProxyServlet;
import org.sipanchor.servlet.ProxyTargets;

/**
 * A recording proxy with a listener: every answered call is recorded on RTPEngine, and a monitor (a supervisor's
 * phone, a speech analytics engine) is called with an offer that carries both parties' media, and hung up when
 * the call ends.
 */
public class ListenInProxy extends MediaProxyServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ListenInProxy.class.getName());
    /** The call's application session attribute: the monitor's SIP session, while it listens. */
    private static final String MONITOR = "monitor";

    @Inject
    private transient AppSettings settings;
    /** Each monitor's subscription, by the monitor's application session. */
    private final transient Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    @Override
    protected ProxyTargets targets(SipServletRequest request) throws ServletParseException {
        String user = ((SipURI) request.getRequestURI()).getUser();
        return ProxyTargets.to(List.of(sipFactory().createURI("sip:" + user + "@" + settings.string("callee_host"))));
    }

    @Override
    protected void doResponse(SipServletResponse response) throws ServletException, IOException {
        super.doResponse(response);
        boolean answered = "INVITE".equals(response.getMethod()) && response.getStatus() / 100 == 2;
        if (answered && response.getRequest().isInitial()) {
            if (subscriptions.containsKey(response.getApplicationSession().getId())) {
                listening(response);
            } else {
                rtpengine().session(response).ifPresent(call -> startListening(call, response.getApplicationSession()));
            }
        }
    }

    /** The call was answered: record it and call the monitor with an offer carrying both parties. */
    private void startListening(MediaSession call, SipApplicationSession callSession) {
        try {
            call.record();
            Subscription subscription = call.subscribe(call.caller(), call.callee());
            SipApplicationSession monitorSession = sipFactory().createApplicationSession();
            SipServletRequest invite = sipFactory().createRequest(monitorSession, "INVITE",
                    "sip:listen-in@" + settings.string("own_host"), settings.string("monitor"));
            invite.setContent(subscription.offer(), "application/sdp");
            invite.getSession().setHandler(getServletName());
            subscriptions.put(monitorSession.getId(), subscription);
            callSession.setAttribute(MONITOR, invite.getSession().getId() + "@" + monitorSession.getId());
            invite.send();
            LOG.info(() -> "call-id=" + call.callId() + " recording, monitor called with subscription " + subscription.tag());
        } catch (ServletException | IOException | RuntimeException e) {
            LOG.warning(() -> "call-id=" + call.callId() + " no listen-in: " + e);
        }
    }

    /** The monitor answered: its SDP completes the subscription. */
    private void listening(SipServletResponse ok) throws IOException {
        subscriptions.get(ok.getApplicationSession().getId()).answer(ok.getRawContent());
        ok.createAck().send();
        LOG.info(() -> "monitor " + ok.getTo().getURI() + " is listening");
    }

    /** The call ends: so does the monitor's (the subscription goes with the call's media). */
    @Override
    protected void doBye(SipServletRequest bye) throws ServletException, IOException {
        super.doBye(bye);
        Object monitor = bye.getApplicationSession().getAttribute(MONITOR);
        if (monitor != null) {
            String[] ids = monitor.toString().split("@", 2);
            SipApplicationSession monitorSession = sipSessions().getApplicationSessionById(ids[1]);
            SipSession leg = monitorSession == null ? null : monitorSession.getSipSession(ids[0]);
            if (leg != null && leg.getState() == SipSession.State.CONFIRMED) {
                leg.createRequest("BYE").send();
            }
            subscriptions.remove(ids[1]);
        }
    }
}
