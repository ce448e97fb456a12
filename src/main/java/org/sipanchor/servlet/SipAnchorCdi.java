package org.sipanchor.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.servlet.ServletContext;
import javax.servlet.ServletContextEvent;
import javax.servlet.ServletContextListener;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InjectionTarget;

import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.sipanchor.config.ConfigException;
import org.sipanchor.config.SipAnchorConfig;

/**
 * Boots CDI (Weld SE) when the SIP application starts and shuts it down when it stops. Declare it in the
 * application's {@code WEB-INF/web.xml}:
 *
 * <pre>{@code
 * <listener><listener-class>org.sipanchor.servlet.SipAnchorCdi</listener-class></listener>
 * }</pre>
 *
 * An application that extends sipanchor's servlets need not declare it: the first of its servlets to start
 * starts CDI the same way, and the last to stop stops it.
 *
 * <p>The beans are sipanchor's own ({@link SipAnchorBeans}), the classes of the application's archive
 * ({@code WEB-INF/classes}, {@code WEB-INF/lib}) in the package (and sub-packages) of the sipanchor servlet that
 * starts CDI, unless that servlet is sipanchor's own, and any class named by the context parameter
 * {@code sipanchor.beans} (class names separated by commas or white space). A configuration that does not load
 * fails the deployment with the file, line and key of the bad value.
 */
public final class SipAnchorCdi implements ServletContextListener {

    /** The context parameter naming an application's own bean classes. */
    public static final String BEANS_PARAMETER = "sipanchor.beans";

    private static final String CONTAINER_ATTRIBUTE = WeldContainer.class.getName();
    /** Set when a servlet rather than this listener started the application's CDI, which it then also stops. */
    private static final String STARTED_BY_SERVLET = SipAnchorCdi.class.getName() + ".startedByServlet";
    /** Each application's container by its class loader, for objects the container creates without a context. */
    private static final Map<ClassLoader, WeldContainer> BY_LOADER = new ConcurrentHashMap<>();
    private static final Logger LOG = Logger.getLogger(SipAnchorCdi.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        start(event.getServletContext(), null);
    }

    /**
     * Starts the application's CDI unless it runs already, for the servlet of {@code servletClass}: the classes of
     * its package become beans too.
     */
    static synchronized void startIfNeeded(ServletContext context, Class<?> servletClass) {
        if (context.getAttribute(CONTAINER_ATTRIBUTE) == null) {
            start(context, servletClass);
            context.setAttribute(STARTED_BY_SERVLET, Boolean.TRUE);
        }
    }

    /** Stops the application's CDI if a servlet started it (the listener stops what it started itself). */
    static synchronized void stopIfStartedByServlets(ServletContext context) {
        if (Boolean.TRUE.equals(context.getAttribute(STARTED_BY_SERVLET))) {
            context.removeAttribute(STARTED_BY_SERVLET);
            stop(context);
        }
    }

    private static void start(ServletContext context, Class<?> servletClass) {
        java.nio.file.Path configFile = ConfigSource.locate(context);
        SipAnchorConfig config;
        try {
            config = SipAnchorConfig.load(configFile);
        } catch (ConfigException e) {
            LOG.severe("bad configuration: " + e.getMessage());
            throw e;
        }
        ContainerOwnedSettings.warnIgnored(configFile);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Weld weld = new Weld("sipanchor" + context.getContextPath().replace('/', '-'))
                .disableDiscovery()
                .setClassLoader(loader)
                .property("org.jboss.weld.se.shutdownHook", false)
                .addExtension(new ConfigBeans(config))
                .addBeanClasses(SipAnchorBeans.CLASSES.toArray(Class<?>[]::new))
                .addBeanClasses(applicationBeans(context, loader).toArray(Class<?>[]::new));
        if (servletClass != null && !servletClass.getPackageName().startsWith("org.sipanchor.")) {
            weld.addBeanClasses(packageBeans(context, servletClass, loader).toArray(Class<?>[]::new));
        }
        WeldContainer container = weld.initialize();
        context.setAttribute(CONTAINER_ATTRIBUTE, container);
        BY_LOADER.put(loader, container);
        // started now rather than on first use: health checks, metrics, DTMF events and reconciliation run from deployment
        container.select(MetricsServer.class).get();
        container.select(DtmfEvents.class).get();
        container.select(org.sipanchor.engine.Reconciler.class).get();
        LOG.info(() -> "CDI started for " + context.getServletContextName() + " with configuration " + configFile);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        stop(event.getServletContext());
    }

    private static void stop(ServletContext context) {
        Object container = context.getAttribute(CONTAINER_ATTRIBUTE);
        BY_LOADER.values().remove(container);
        if (container instanceof WeldContainer weld && weld.isRunning()) {
            weld.shutdown();
            LOG.info("CDI stopped");
        }
        context.removeAttribute(CONTAINER_ATTRIBUTE);
    }

    /** The bean manager of the application that {@code context} belongs to. */
    static BeanManager beanManager(ServletContext context) {
        Object container = context.getAttribute(CONTAINER_ATTRIBUTE);
        if (!(container instanceof WeldContainer weld)) {
            throw new IllegalStateException("CDI is not running in " + context.getServletContextName()
                    + ": declare <listener><listener-class>" + SipAnchorCdi.class.getName()
                    + "</listener-class></listener> in WEB-INF/web.xml");
        }
        return weld.getBeanManager();
    }

    /**
     * A bean of the calling application, for objects the container creates outside any servlet context (SIP
     * listeners). The application is found by the thread's context class loader.
     */
    static <T> T bean(Class<T> type) {
        WeldContainer container = running();
        if (container == null) {
            throw new IllegalStateException("CDI is not running for this application: declare " + SipAnchorCdi.class.getName()
                    + " as a listener in WEB-INF/web.xml");
        }
        return container.select(type).get();
    }

    /**
     * As {@link #bean}, or empty once the application's CDI has stopped (or never started): for what the container
     * still calls as it stops, after the listeners (session listeners, for sessions that end with the application).
     */
    static <T> Optional<T> beanIfRunning(Class<T> type) {
        WeldContainer container = running();
        return container == null ? Optional.empty() : Optional.of(container.select(type).get());
    }

    /** The calling application's CDI container if it runs, else null. */
    private static WeldContainer running() {
        WeldContainer container = BY_LOADER.get(Thread.currentThread().getContextClassLoader());
        if (container == null && BY_LOADER.size() == 1) {
            container = BY_LOADER.values().iterator().next();
        }
        return container == null || !container.isRunning() ? null : container;
    }

    /**
     * Injects the {@code @Inject} members of an object the container created (a servlet, a listener).
     *
     * @return the creational context to release when the object is destroyed
     */
    static <T> CreationalContext<T> inject(ServletContext context, T instance) {
        BeanManager beans = beanManager(context);
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) instance.getClass();
        InjectionTarget<T> target = beans.getInjectionTargetFactory(beans.createAnnotatedType(type)).createInjectionTarget(null);
        CreationalContext<T> creational = beans.createCreationalContext(null);
        target.inject(instance, creational);
        target.postConstruct(instance);
        return creational;
    }

    /**
     * The classes in the package (and sub-packages) of {@code servletClass} that the application's own archive holds,
     * found the same way on every container ({@link ArchiveClasses}). One that does not load is left out and named in
     * the log rather than failing the deployment.
     */
    private static List<Class<?>> packageBeans(ServletContext context, Class<?> servletClass, ClassLoader loader) {
        List<Class<?>> classes = new ArrayList<>();
        for (String name : ArchiveClasses.inPackage(context, servletClass.getPackageName())) {
            try {
                classes.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.warning(() -> "not a bean: " + name + " does not load (" + e + ")");
            }
        }
        return classes;
    }

    private static List<Class<?>> applicationBeans(ServletContext context, ClassLoader loader) {
        String names = context.getInitParameter(BEANS_PARAMETER);
        List<Class<?>> classes = new ArrayList<>();
        if (names == null) {
            return classes;
        }
        for (String name : names.trim().split("[,\\s]+")) {
            if (name.isEmpty()) {
                continue;
            }
            try {
                classes.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("context parameter " + BEANS_PARAMETER + " names " + name + ", which is not on the class path", e);
            }
        }
        return classes;
    }
}
