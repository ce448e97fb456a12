package org.sipanchor.servlet;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;

import javax.servlet.ServletContext;
import javax.servlet.sip.SipApplicationSessionListener;
import javax.servlet.sip.SipErrorListener;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.TimerListener;

/**
 * Registers sipanchor's listeners with the container, so that an application declares its servlet and nothing
 * else: the timer and error listener ({@link SipAnchorListener}) and the session guard ({@link MediaSessionGuard}).
 * JSR 289 has no API for this; Restcomm keeps its listeners in the application's {@code SipContext}, which its
 * {@code SipFactory} holds; Open Liberty in the application's {@code SipAppDesc}, which its {@code SipContainer} finds
 * by the application name that its {@code SipSessionsUtil} holds. Listeners the application declared in
 * {@code sip.xml} stay, and are not added twice. On any other container nothing is registered, and the log says what
 * to declare.
 */
final class ContainerListeners {

    private static final Logger LOG = Logger.getLogger(ContainerListeners.class.getName());
    private static final String LIBERTY_SESSIONS_UTIL = "com.ibm.ws.sip.container.servlets.SipSessionsUtilImpl";

    private ContainerListeners() {
    }

    /** Registers what the application did not declare; false when the container offers no way to. */
    static boolean register(ServletContext context) {
        Object sessionsUtil = context.getAttribute(SipServlet.SIP_SESSIONS_UTIL);
        if (sessionsUtil != null && LIBERTY_SESSIONS_UTIL.equals(sessionsUtil.getClass().getName())) {
            try {
                Liberty.register(sessionsUtil);
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warning("cannot reach Open Liberty's listeners (" + e + "): declare " + SipAnchorListener.class.getName()
                        + " and " + MediaSessionGuard.class.getName() + " as <listener> in sip.xml");
                return false;
            }
        }
        if (!RestcommContainer.runs(context)) {
            return declared(context);
        }
        Object factory = context.getAttribute(SipServlet.SIP_FACTORY);
        Object sipContext;
        try {
            Field field = factory.getClass().getDeclaredField("sipContext");
            field.setAccessible(true);
            sipContext = field.get(factory);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("cannot reach the container's listeners (" + e + "): declare " + SipAnchorListener.class.getName()
                    + " and " + MediaSessionGuard.class.getName() + " as <listener> in sip.xml");
            return false;
        }
        Restcomm.register(sipContext);
        return true;
    }

    /** Whether the application declared the listeners itself, as it must on containers other than Restcomm. */
    private static boolean declared(ServletContext context) {
        LOG.info(() -> "on " + context.getServerInfo() + " sipanchor's listeners come from sip.xml: declare "
                + SipAnchorListener.class.getName() + " and " + MediaSessionGuard.class.getName());
        return false;
    }

    /** Restcomm's types are touched only here, so that the class loads on any container. */
    private static final class Restcomm {

        static void register(Object sipContext) {
            var listeners = (org.mobicents.servlet.sip.core.session.SipListenersHolder)
                    ((org.mobicents.servlet.sip.core.SipContext) sipContext).getListeners();
            synchronized (listeners) {
                TimerListener timers = listeners.getTimerListener();
                SipAnchorListener dispatcher;
                if (timers instanceof SipAnchorListener declared) {
                    dispatcher = declared;
                } else {
                    dispatcher = new SipAnchorListener();
                    if (timers != null) {
                        dispatcher.alsoNotify(timers);
                    }
                    listeners.setTimerListener(dispatcher);
                }
                List<SipErrorListener> errors = listeners.getSipErrorListeners();
                if (errors.stream().noneMatch(SipAnchorListener.class::isInstance)) {
                    listeners.addListener((SipErrorListener) dispatcher);
                }
                List<SipApplicationSessionListener> sessions = listeners.getSipApplicationSessionListeners();
                if (sessions.stream().noneMatch(MediaSessionGuard.class::isInstance)) {
                    listeners.addListener((SipApplicationSessionListener) new MediaSessionGuard());
                }
            }
        }
    }

    /**
     * Open Liberty's types are internal to its runtime: reached by reflection through the loader of its
     * {@code SipSessionsUtil}, public methods only.
     */
    private static final class Liberty {

        static void register(Object sessionsUtil) throws ReflectiveOperationException {
            Field name = sessionsUtil.getClass().getDeclaredField("m_appName");
            name.setAccessible(true);
            Class<?> containerType = sessionsUtil.getClass().getClassLoader().loadClass("com.ibm.ws.sip.container.SipContainer");
            Object container = containerType.getMethod("getInstance").invoke(null);
            Object app = containerType.getMethod("getSipApp", String.class).invoke(container, name.get(sessionsUtil));
            if (app == null) {
                throw new IllegalStateException("no SIP application named " + name.get(sessionsUtil));
            }
            Method add = app.getClass().getMethod("addListenerObject", Object.class);
            synchronized (app) {
                Object timers = app.getClass().getMethod("getTimerListener").invoke(app);
                SipAnchorListener dispatcher;
                if (timers instanceof SipAnchorListener declared) {
                    dispatcher = declared;
                } else {
                    dispatcher = new SipAnchorListener();
                    if (timers instanceof TimerListener own) {
                        dispatcher.alsoNotify(own);
                    }
                    add.invoke(app, dispatcher); // the timer listener, and an error listener
                }
                if (((Collection<?>) app.getClass().getMethod("getErrorListeners").invoke(app)).stream()
                        .noneMatch(SipAnchorListener.class::isInstance)) {
                    add.invoke(app, dispatcher);
                }
                if (((Collection<?>) app.getClass().getMethod("getAppSessionListeners").invoke(app)).stream()
                        .noneMatch(MediaSessionGuard.class::isInstance)) {
                    add.invoke(app, new MediaSessionGuard());
                }
            }
        }
    }
}
