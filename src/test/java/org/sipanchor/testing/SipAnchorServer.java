package org.sipanchor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The distribution's launcher ({@code target/sipanchor/bin/sipanchor}) as a process, with a configuration
 * written by the test: what an operator runs, started the way an operator starts it.
 *
 * <pre>{@code
 * try (SipAnchorServer server = SipAnchorServer.start("sip:\n  listen: [ ... ]")) {
 *     server.sipAddress();        // "127.0.0.1:24567"
 * }
 * }</pre>
 */
public final class SipAnchorServer implements RunningSipAnchor {

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CountDownLatch readyOrExited = new CountDownLatch(1);
    private final Path logFile;
    private final int sipPort;
    private final Thread reader;

    private SipAnchorServer(Process process, Path logFile, int sipPort) {
        this.process = process;
        this.logFile = logFile;
        this.sipPort = sipPort;
        this.reader = new Thread(this::pump, "sipanchor-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The launcher of the built distribution. */
    public static Path launcher() {
        Path dist = Path.of(System.getProperty("sipanchor.dist", "target/sipanchor"));
        Path launcher = dist.resolve("bin/sipanchor");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is missing: run mvn package first");
        }
        return launcher;
    }

    /**
     * Starts the launcher with this YAML as its configuration, plus extra command-line arguments, and
     * waits until it logs "ready" (or exits).
     *
     * @param sipPort the port the YAML listens on, for {@link #sipAddress()}
     */
    public static SipAnchorServer start(String yaml, int sipPort, String... arguments) {
        SipAnchorServer server = launch(yaml, sipPort, arguments);
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    /**
     * {@link #start(String, int, String...)} with more JVM options (e.g. {@code -Dname=value}), passed as the launcher
     * reads them: in {@code JAVA_OPTS}, after any the environment already has.
     */
    public static SipAnchorServer start(String yaml, int sipPort, List<String> jvmOptions, String... arguments) {
        SipAnchorServer server = launch(yaml, sipPort, jvmOptions, arguments);
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    /** Starts the launcher without waiting: for tests of start-up failures. */
    public static SipAnchorServer launch(String yaml, int sipPort, String... arguments) {
        return launch(yaml, sipPort, List.of(), arguments);
    }

    /** {@link #launch(String, int, String...)} with more JVM options, in {@code JAVA_OPTS}. */
    public static SipAnchorServer launch(String yaml, int sipPort, List<String> jvmOptions, String... arguments) {
        return launch(launcher(), yaml, sipPort, jvmOptions, arguments);
    }

    /** {@link #start(String, int, List, String...)} with another installation's launcher, e.g. a copy of the build's. */
    public static SipAnchorServer start(Path launcher, String yaml, int sipPort, List<String> jvmOptions) {
        SipAnchorServer server = launch(launcher, yaml, sipPort, jvmOptions);
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    private static SipAnchorServer launch(Path launcher, String yaml, int sipPort, List<String> jvmOptions,
            String... arguments) {
        Path dir = TestOutput.directory("sipanchor-" + sipPort);
        Path config = dir.resolve("sipanchor.yaml");
        try {
            Files.writeString(config, yaml);
            List<String> command = new ArrayList<>(List.of(launcher.toString(), "--config", config.toString()));
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (!jvmOptions.isEmpty()) {
                String inherited = builder.environment().getOrDefault("JAVA_OPTS", "");
                builder.environment().put("JAVA_OPTS", (inherited + " " + String.join(" ", jvmOptions)).strip());
            }
            Process process = builder.start();
            StrayProcesses.killOnExit(process);
            return new SipAnchorServer(process, dir.resolve("output.log"), sipPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A configuration listening for SIP on UDP and TCP at {@code 127.0.0.1:port}, plus more YAML. */
    public static String config(int sipPort, String moreYaml) {
        return "sip:\n  listen:\n"
                + "    - { transport: udp, address: \"127.0.0.1:" + sipPort + "\" }\n"
                + "    - { transport: tcp, address: \"127.0.0.1:" + sipPort + "\" }\n"
                + moreYaml;
    }

    @Override
    public String sipAddress() {
        return "127.0.0.1:" + sipPort;
    }

    public void awaitReady(Duration timeout) {
        try {
            if (!readyOrExited.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("sipanchor not ready within " + timeout + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (!process.isAlive()) {
            waitForExit(Duration.ofSeconds(5));
            throw new AssertionError("sipanchor exited with " + process.exitValue() + " before it was ready:\n" + output());
        }
    }

    /** Waits for the process to end and returns its exit status. */
    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("sipanchor still running after " + timeout + ":\n" + output());
            }
            reader.join(1000); // let the reader drain the last lines
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends SIGTERM and returns the exit status. */
    public int stop() {
        // Process.destroy() would also close our end of its output and lose the last lines.
        process.toHandle().destroy();
        return waitForExit(Duration.ofSeconds(20));
    }

    @Override
    public void stopCleanly() {
        assertEquals(0, stop(), "exit status after SIGTERM");
    }

    /** Kills the process with SIGKILL, as {@code kill -9} does: no shutdown hook, no stop, nothing released. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("sipanchor still running 10 s after SIGKILL");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The process id, e.g. for signals a test sends itself. */
    public long pid() {
        return process.pid();
    }

    /** The JVM's command line, as the kernel has it: the options the launcher chose and those in {@code JAVA_OPTS}. */
    public List<String> commandLine() {
        try {
            return List.of(Files.readString(Path.of("/proc/" + pid() + "/cmdline")).split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the heap warm-up the server runs after "ready" ({@code server/HeapWarmUp}) has logged its end, and
     * returns that line; empty at once when the JVM touched its heap at start-up and runs none (the last
     * {@code AlwaysPreTouch} option wins). Until then the warm-up's arrays are part of the heap in use, and a
     * measurement of the heap the server retains would count them.
     */
    public Optional<String> awaitHeapWarmed() {
        List<String> preTouch = commandLine().stream().filter(option -> option.endsWith("AlwaysPreTouch")).toList();
        if (!preTouch.isEmpty() && preTouch.get(preTouch.size() - 1).equals("-XX:+AlwaysPreTouch")) {
            return Optional.empty();
        }
        return Optional.of(awaitLogged(SipAnchorServer::isHeapWarmed, Duration.ofSeconds(30)));
    }

    /** Whether {@code line} is the one the heap warm-up logs at its end. */
    public static boolean isHeapWarmed(String line) {
        return line.contains("] heap warmed: ");
    }

    @Override
    public String output() {
        return String.join("\n", output);
    }

    @Override
    public boolean logged(Predicate<String> line) {
        return output.stream().anyMatch(line);
    }

    /** Waits until the server logs a line that {@code line} accepts, and returns it; fails after {@code timeout}. */
    @Override
    public String awaitLogged(Predicate<String> line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var found = output.stream().filter(line).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no such line logged within " + timeout + ":\n" + output());
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var log = Files.newBufferedWriter(logFile)) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                log.write(line);
                log.newLine();
                log.flush();
                if (line.contains("] ready in ")) {
                    readyOrExited.countDown();
                }
            }
        } catch (IOException e) {
            output.add("(output reader failed: " + e.getMessage() + ")");
        } finally {
            readyOrExited.countDown();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
