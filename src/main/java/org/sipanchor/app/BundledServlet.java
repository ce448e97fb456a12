package org.sipanchor.app;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;

import jakarta.inject.Inject;

import org.sipanchor.config.AppConfig;
import org.sipanchor.config.AppMode;
import org.sipanchor.servlet.SipAnchorServlet;

/**
 * The bundled application's one main servlet: it becomes the proxy or the B2BUA that {@code app.mode} names. The
 * container sees only this servlet, so every message of a call (requests, responses, subsequent requests) comes
 * back here whatever its SIP session's handler, and goes on to the one servlet of the configured mode; that
 * servlet is initialised with this servlet's configuration, so its name and context are this servlet's, and the
 * application's timers and SIP errors (a 2xx without ACK) reach it under that name.
 *
 * <pre>{@code
 * <servlet><servlet-name>sipanchor</servlet-name><servlet-class>org.sipanchor.app.BundledServlet</servlet-class></servlet>
 * }</pre>
 */
public class BundledServlet extends SipAnchorServlet {
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
        // an operator must see at once whether anyone may register anyone
        LOG.log(app.auth().enabled() ? Level.INFO : Level.WARNING, app.auth().describe());
    }

    /** Every message goes to the mode's servlet, which traces it. */
    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        mode.service(request, response);
    }

    @Override
    public void destroy() {
        if (mode != null) {
            mode.destroy();
        }
        super.destroy();
    }
}
