package org.sipanchor.servlet;

import java.util.logging.Level;
import java.util.logging.Logger;

import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipErrorEvent;
import javax.servlet.sip.SipErrorListener;
import javax.servlet.sip.TimerListener;

/**
 * The application's one timer and SIP error listener (JSR 289 allows one {@link TimerListener} per application):
 * it hands every timer and error to the sipanchor servlet that handles the call, which keeps its own (no-answer,
 * session timer, DTMF delivery) and passes the rest to the user's {@code onTimer}.
 *
 * <p>On Restcomm the servlet bases register it themselves. On another container declare it in {@code sip.xml}:
 *
 * <pre>{@code
 * <listener><listener-class>org.sipanchor.servlet.SipAnchorListener</listener-class></listener>
 * }</pre>
 */
public class SipAnchorListener implements TimerListener, SipErrorListener {

    private static final Logger LOG = Logger.getLogger(SipAnchorListener.class.getName());

    /** An application's own listener that was declared before sipanchor registered this one, if any. */
    private volatile TimerListener declared;

    void alsoNotify(TimerListener other) {
        this.declared = other;
    }

    @Override
    public void timeout(ServletTimer timer) {
        var servlet = SipAnchorApplication.current().flatMap(app -> app.servletFor(timer.getApplicationSession()));
        try {
            if (servlet.isPresent()) {
                servlet.get().timerFired(timer, declared);
            } else if (declared != null) {
                declared.timeout(timer);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "timer " + timer.getInfo() + " failed: " + e, e);
        }
    }

    @Override
    public void noAckReceived(SipErrorEvent event) {
        SipAnchorApplication.current().flatMap(app -> app.servletFor(event.getRequest().getApplicationSession()))
                .ifPresent(servlet -> servlet.noAckReceived(event));
    }

    @Override
    public void noPrackReceived(SipErrorEvent event) {
        // sipanchor sends no reliable provisional response
    }
}
