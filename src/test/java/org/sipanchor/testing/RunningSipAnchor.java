package org.sipanchor.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A sipanchor application running in a SIP Servlet container, whichever it is: the embedded Restcomm of the
 * distribution's launcher ({@link SipAnchorServer}) or Open Liberty ({@link LibertyServer}). The system property
 * {@code sipanchor.container} ({@code embedded}, the default, or {@code liberty}) chooses which one
 * {@link #start(String, int, Path, List)} starts, so the same scenarios run on both.
 */
public interface RunningSipAnchor extends AutoCloseable {

    /** The container the end-to-end tests run on. */
    enum Container {
        EMBEDDED, LIBERTY;

        /** The one {@code sipanchor.container} names. */
        public static Container underTest() {
            return valueOf(System.getProperty("sipanchor.container", "embedded").toUpperCase());
        }
    }

    /**
     * Starts {@code application} ({@code null}: the bundled one) with this YAML as its configuration on the container
     * under test, and waits until it is ready.
     *
     * @param sipPort the port the YAML's {@code sip.listen} names; Liberty's shared server listens on a port of its
     *                own ({@code sipEndpoint}), which {@link #sipAddress()} gives
     * @param jvmOptions more options of the server's JVM, e.g. {@code -Dname=value}
     */
    static RunningSipAnchor start(String yaml, int sipPort, Path application, List<String> jvmOptions) {
        return switch (Container.underTest()) {
            case EMBEDDED -> SipAnchorServer.start(yaml, sipPort, jvmOptions,
                    application == null ? new String[0] : new String[] {"--app", application.toString()});
            case LIBERTY -> LibertyServer.deployShared(yaml,
                    application == null ? LibertyServer.bundledWar() : application, jvmOptions);
        };
    }

    /** {@link #start(String, int, Path, List)} of the bundled application. */
    static RunningSipAnchor start(String yaml, int sipPort) {
        return start(yaml, sipPort, null, List.of());
    }

    /** {@code 127.0.0.1:port} of SIP. */
    String sipAddress();

    /**
     * Stops the application the way an operator does, and fails unless it stopped cleanly: SIGTERM to the launcher,
     * or the application undeployed from the running Liberty server.
     */
    void stopCleanly();

    /** What the server logged so far. */
    String output();

    boolean logged(Predicate<String> line);

    /** Waits until the server logs a line that {@code line} accepts, and returns it; fails after {@code timeout}. */
    String awaitLogged(Predicate<String> line, Duration timeout);

    /** Ends the server if it still runs, without checks. */
    @Override
    void close();
}
