package org.sipanchor.app;

import java.io.IOException;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipErrorEvent;
import javax.servlet.sip.SipErrorListener;
import javax.servlet.sip.TimerListener;

import jakarta.inject.Inject;

import org.sipanchor.config.AppConfig;
import org.sipanchor.config.AppMode;
import org.sipanchor.servlet.SipAnchorServlet;

/**
 * The bundled application's one main servlet: it becomes the proxy or the B2BUA that {@code app.mode} names. The
 * container sees only this servlet, so every message of a call (requests, responses, subsequent requests) comes
 * back here whatever its SIP session's handler, and goes on to the one servlet of the configured mode; that
 * servlet is initialised with this servlet's configuration, so its name and context are this servlet's. Declared
 * as a {@code <listener>} too, it hands the container's timers and SIP errors (a 2xx without ACK) to the mode's
 * servlet.
 *
 * <pre>{@code
 * <servlet><servlet-name>sipanchor</servlet-name><servlet-class>org.sipanchor.app.BundledServlet</servlet-class></servlet>
 * <listener><listener-class>org.sipanchor.app.BundledServlet</listener-class></listener>
 * }</pre>
 */
public class BundledServlet extends SipAnchorServlet implements TimerListener, SipErrorListener {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(BundledServlet.class.getName());

    @Inject
    private transient AppConfig app;

    private transient SipAnchorServlet mode;

    @Override
    public void init() throws ServletException {
        super.init();
        mode = app.mode() == AppMode.B2BUA ? new BundledB2buaServlet() : new BundledProxyServlet();
        mode.init(getServletConfig());
        LOG.info(() -> "bundled application in " + app.mode().name().toLowerCase() + " mode");
    }

    /** Every message goes to the mode's servlet, which traces it. */
    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        mode.service(request, response);
    }

    @Override
    public void timeout(ServletTimer timer) {
        if (mode instanceof TimerListener listener) {
            listener.timeout(timer);
        }
    }

    @Override
    public void noAckReceived(SipErrorEvent event) {
        if (mode instanceof SipErrorListener listener) {
            listener.noAckReceived(event);
        }
    }

    @Override
    public void noPrackReceived(SipErrorEvent event) {
        if (mode instanceof SipErrorListener listener) {
            listener.noPrackReceived(event);
        }
    }

    @Override
    public void destroy() {
        if (mode != null) {
            mode.destroy();
        }
        super.destroy();
    }
}
