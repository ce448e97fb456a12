package org.sipanchor.servlet;

import java.io.IOException;

import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletMessage;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.inject.Inject;

/**
 * The base of every sipanchor servlet: the container creates it, CDI fills its {@code @Inject} fields
 * in {@link #init()}, and every message it handles is traced when {@code log.sip_trace} is on.
 *
 * <pre>{@code
 * public class MyServlet extends SipAnchorServlet {
 *     @Inject AppConfig app;
 *
 *     protected void doOptions(SipServletRequest request) throws IOException {
 *         request.createResponse(200).send();
 *     }
 * }
 * }</pre>
 */
public abstract class SipAnchorServlet extends SipServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    private transient SipTrace trace;

    private transient CreationalContext<SipAnchorServlet> creationalContext;

    private transient SipFactory sipFactory;

    @Override
    public void init() throws ServletException {
        super.init();
        sipFactory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        creationalContext = SipAnchorCdi.inject(getServletContext(), this);
    }

    /** The container's factory for URIs, addresses and requests. */
    protected SipFactory sipFactory() {
        return sipFactory;
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        trace.received((SipServletMessage) (request != null ? request : response));
        super.service(request, response);
    }

    @Override
    public void destroy() {
        if (creationalContext != null) {
            creationalContext.release();
        }
        super.destroy();
    }
}
