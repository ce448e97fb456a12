package org.sipanchor.servlet;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.servlet.ServletContext;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipSessionsUtil;
import javax.servlet.sip.TimerService;

import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.RtpEngineService;

/**
 * What sipanchor keeps per deployed SIP application: its servlets by name, so that the application's one timer
 * and error listener ({@link SipAnchorListener}) can hand each call's events to the servlet that handles the call,
 * and the way DTMF events reach a call's application session on a container thread. Found by the application's
 * class loader, because the container creates listeners without a servlet context.
 */
final class SipAnchorApplication {

    /** The application session attribute naming the servlet that handles the call. */
    static final String HANDLER = SipAnchorApplication.class.getName() + ".handler";

    private static final Logger LOG = Logger.getLogger(SipAnchorApplication.class.getName());
    private static final Map<ClassLoader, SipAnchorApplication> BY_LOADER = new ConcurrentHashMap<>();

    private final ServletContext context;
    /** The application's own service, looked up once on the thread that registers: DTMF arrives on a thread of none. */
    private final RtpEngineService rtpengine;
    private final Map<String, SipAnchorServlet> servlets = new ConcurrentHashMap<>();
    private volatile SipAnchorServlet first;
    /** Set when the application stops and hands its calls over rather than releasing them (the proxy). */
    private volatile boolean handingOver;

    private SipAnchorApplication(ServletContext context, RtpEngineService rtpengine) {
        this.context = context;
        this.rtpengine = rtpengine;
    }

    /** The application {@code servlet} belongs to, registering the servlet under its name. */
    static SipAnchorApplication register(SipAnchorServlet servlet) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        SipAnchorApplication application = BY_LOADER.computeIfAbsent(loader, key -> {
            SipAnchorApplication created = new SipAnchorApplication(servlet.getServletContext(), servlet.rtpengine());
            SipAnchorCdi.bean(DtmfEvents.class).deliverTo(created::dispatchDtmf);
            return created;
        });
        application.servlets.put(servlet.getServletName(), servlet);
        if (application.first == null) {
            application.first = servlet;
        }
        return application;
    }

    /**
     * Forgets a destroyed servlet; the application goes with its last servlet.
     *
     * @return whether that was the application's last servlet
     */
    boolean unregister(SipAnchorServlet servlet) {
        servlets.remove(servlet.getServletName(), servlet);
        if (first == servlet) {
            first = servlets.values().stream().findFirst().orElse(null);
        }
        if (servlets.isEmpty()) {
            BY_LOADER.values().remove(this);
            return true;
        }
        return false;
    }

    /** The application of the calling thread (the container sets the application's class loader on its threads). */
    static Optional<SipAnchorApplication> current() {
        SipAnchorApplication application = BY_LOADER.get(Thread.currentThread().getContextClassLoader());
        if (application == null && BY_LOADER.size() == 1) {
            application = BY_LOADER.values().iterator().next();
        }
        return Optional.ofNullable(application);
    }

    /**
     * The application is stopping and leaves its calls' media where it is, for a restarted process or another node
     * to serve them from their route (the proxy): sessions that end with the application release nothing.
     */
    void handOver() {
        handingOver = true;
    }

    /** Whether the application is stopping and handing its calls over ({@link #handOver()}). */
    boolean isHandingOver() {
        return handingOver;
    }

    /** The servlet that handles the call of {@code session}: the one that took its initial request, else the first. */
    Optional<SipAnchorServlet> servletFor(SipApplicationSession session) {
        Object name = session.isValid() ? session.getAttribute(HANDLER) : null;
        SipAnchorServlet servlet = name == null ? null : servlets.get(name.toString());
        return Optional.ofNullable(servlet != null ? servlet : first);
    }

    /**
     * Runs on the thread that received the event: finds the call's application session and has the container
     * deliver the event in it, on its own thread, through a timer that fires at once.
     */
    private void dispatchDtmf(DtmfEvent event) {
        Optional<String> sessionId = rtpengine.applicationSessionOf(event.callId());
        if (sessionId.isEmpty()) {
            LOG.fine(() -> "call-id=" + event.callId() + " DTMF " + event.digit() + " for no call anchored here: dropped");
            return;
        }
        SipSessionsUtil sessions = (SipSessionsUtil) context.getAttribute(SipServlet.SIP_SESSIONS_UTIL);
        SipApplicationSession session = sessions.getApplicationSessionById(sessionId.get());
        if (session == null || !session.isValid()) {
            LOG.fine(() -> "call-id=" + event.callId() + " DTMF " + event.digit() + " after the call ended: dropped");
            return;
        }
        ((TimerService) context.getAttribute(SipServlet.TIMER_SERVICE)).createTimer(session, 0, false, new DtmfDelivery(event));
    }

    /** The info of the timer that carries a DTMF event into its call's application session. */
    record DtmfDelivery(DtmfEvent event) implements java.io.Serializable {
    }
}
