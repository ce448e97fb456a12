package org.sipanchor.servlet;

import java.util.logging.Logger;

import javax.servlet.ServletContext;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * In-dialog requests of dialogs this proxy record-routed but no longer knows (the process restarted, or another node
 * record-routed them): Restcomm calls them orphans. By default it answers them {@code 481}; with orphan routing on,
 * it hands each to the servlet (marked orphan, with no SIP session), then relays it statelessly along its route, and
 * does the same for the responses that come back. Kamailio relays such requests the same way: in-dialog routing
 * needs no dialog state.
 *
 * <p>Switched on only by the proxy base ({@link MediaProxyServlet}), for its application: a UA (the B2BUA) whose
 * dialogs died with the process must not relay its orphans (they would go back to itself), it answers 481.
 * Restcomm's types are touched only in {@link Restcomm}, so that the class loads on any container
 * ({@link RestcommContainer}); elsewhere nothing is an orphan and the container does what it does.
 */
final class OrphanRouting {

    private static final Logger LOG = Logger.getLogger(OrphanRouting.class.getName());

    private OrphanRouting() {
    }

    /** Switches orphan routing on for the application of {@code context}; false when the container has none. */
    static boolean enable(ServletContext context) {
        if (!RestcommContainer.runs(context)) {
            LOG.info(() -> "on " + context.getServerInfo() + " in-dialog requests of dialogs this proxy no longer knows "
                    + "(after a restart) are answered as the container does");
            return false;
        }
        Restcomm.enable(context.getAttribute(SipServlet.SIP_FACTORY));
        return true;
    }

    /** Whether the container handed {@code message} (a request, or the response in {@code response}) over as an orphan. */
    static boolean isOrphan(Object request, Object response) {
        if (request instanceof SipServletRequest sipRequest) {
            return RestcommContainer.PRESENT && Restcomm.isOrphan(sipRequest);
        }
        if (response instanceof SipServletResponse sipResponse) {
            // Restcomm marks the request it makes up for an orphan response, not the response itself.
            SipServletRequest original = sipResponse.getRequest();
            return original != null && RestcommContainer.PRESENT && Restcomm.isOrphan(original);
        }
        return false;
    }

    /** {@link #isOrphan(Object, Object)} for one message. */
    static boolean isOrphan(SipServletMessage message) {
        return message instanceof SipServletRequest ? isOrphan(message, null) : isOrphan(null, message);
    }

    /**
     * Replaces the SDP body of an orphan before the container relays it. Restcomm's own {@code setContent} needs the
     * message's SIP session, which an orphan has none of, so the body is set on the SIP stack's message underneath.
     */
    static void replaceSdp(SipServletMessage orphan, byte[] sdp) {
        Restcomm.replaceBody(orphan, sdp);
    }

    /** Restcomm's types are touched only here. */
    private static final class Restcomm {

        static void enable(Object factory) {
            ((org.mobicents.javax.servlet.sip.SipFactoryExt) factory).setRouteOrphanRequests(true);
        }

        static boolean isOrphan(SipServletRequest request) {
            return request instanceof org.mobicents.javax.servlet.sip.SipServletRequestExt ext && ext.isOrphan();
        }

        static void replaceBody(SipServletMessage orphan, byte[] body) {
            javax.sip.message.Message message = ((org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage) orphan).getMessage();
            javax.sip.header.ContentTypeHeader type = (javax.sip.header.ContentTypeHeader) message.getHeader(
                    javax.sip.header.ContentTypeHeader.NAME);
            try {
                if (type == null) {
                    type = javax.sip.SipFactory.getInstance().createHeaderFactory().createContentTypeHeader("application", "sdp");
                }
                message.setContent(body, type); // also sets Content-Length
            } catch (java.text.ParseException | javax.sip.PeerUnavailableException e) {
                throw new IllegalStateException("call-id=" + orphan.getCallId() + " body not replaced: " + e.getMessage(), e);
            }
        }
    }
}
