package org.sipanchor.servlet;

import javax.servlet.ServletContext;
import javax.servlet.sip.SipServlet;

/**
 * Whether the application runs on Restcomm, for the few things sipanchor does there through the container's own API
 * ({@link OrphanRouting}, {@link ContainerListeners}, {@link Trying}). Asked by name only: the classes that touch
 * Restcomm's and jain-sip's types are loaded only once this says yes, so that the application loads on any container
 * (Open Liberty gives an application neither).
 */
final class RestcommContainer {

    /** Whether Restcomm's API is on the application's class path. */
    static final boolean PRESENT = loads("org.mobicents.javax.servlet.sip.SipServletRequestExt");

    private static final String FACTORY = "org.mobicents.servlet.sip.message.SipFactoryFacade";

    private RestcommContainer() {
    }

    /** Whether {@code context}'s SIP factory is Restcomm's own, whose internals sipanchor may then reach. */
    static boolean runs(ServletContext context) {
        Object factory = context.getAttribute(SipServlet.SIP_FACTORY);
        return factory != null && FACTORY.equals(factory.getClass().getName());
    }

    private static boolean loads(String name) {
        try {
            Class.forName(name, false, RestcommContainer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
