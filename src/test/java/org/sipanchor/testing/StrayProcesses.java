package org.sipanchor.testing;

/**
 * Servers a test started and did not stop (a failed assertion before the stop, a fixture misused) die with the test
 * JVM instead of running on, holding ports and CPU for the rest of the suite and after it.
 */
final class StrayProcesses {

    private StrayProcesses() {
    }

    /** Kills {@code process} with SIGKILL when this JVM exits, if it is still running then. */
    static void killOnExit(Process process) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }, "kill-stray-" + process.pid()));
    }
}
