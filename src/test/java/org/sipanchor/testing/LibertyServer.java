package org.sipanchor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An Open Liberty server running a sipanchor application, set up the way the README tells a user to: the
 * repository's {@code liberty/server.xml}, the application in the server's {@code apps/} folder, and
 * {@code sipanchor.yaml} next to {@code server.xml}, found there without any system property. Only the ports differ
 * (the server's {@code bootstrap.properties}), and the console shows INFO so that tests can read sipanchor's log.
 *
 * <p>Liberty takes seconds to start, so the end-to-end suite shares one server ({@link #deployShared}): each test
 * class deploys its application and configuration into it and undeploys it afterwards. {@link #start} gives a test
 * a server of its own.
 *
 * <p>The runtime is {@code io.openliberty:openliberty-runtime}, unpacked by the build into {@code target/liberty/wlp}
 * (the {@code sipanchor.liberty} property); each server gets its own user folder under the test output.
 */
public final class LibertyServer implements RunningSipAnchor {

    /** The server.xml users copy for the bundled application; the tests run this very file. */
    public static final Path SERVER_XML = Path.of("liberty/server.xml");
    /** The server.xml users copy for their own application built on sipanchor. */
    public static final Path OWN_APP_SERVER_XML = Path.of("liberty/server-own-app.xml");
    private static final String OWN_APP = "location=\"my-app.war\"";
    private static final String SERVER_NAME = "sipanchor";
    private static final String BUNDLED_APP = "<webApplication location=\"sipanchor.war\"/>";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** "The server is ready to run a smarter planet": the server has started, its applications may still be starting. */
    private static final Predicate<String> SERVER_READY = line -> line.contains("CWWKF0011I");
    /** "[app] [/context] [servlet]: Initialization successful.": the main servlet has started and can take calls. */
    private static final Predicate<String> APP_READY = line -> line.contains("SRVE0242I");
    /** "The application ... has stopped successfully". */
    private static final Predicate<String> APP_STOPPED = line -> line.contains("CWWKZ0009I");
    private static final List<String> START_FAILURES = List.of("CWWKZ0002E", "CWWKZ0004E", "SRVE0271E", "SRVE0276E",
            "CWWKF0001E", "CWWKE0701E", "CWWKG0014E", "bad configuration");
    private static final Predicate<String> START_FAILED = line -> START_FAILURES.stream().anyMatch(line::contains);

    private static LibertyServer shared;
    private static List<String> sharedJvmOptions;

    private final Process process;
    private final Path serverDir;
    private final int sipPort;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private LibertyServer(Process process, Path serverDir, int sipPort) {
        this.process = process;
        this.serverDir = serverDir;
        this.sipPort = sipPort;
        this.reader = new Thread(this::pump, "liberty-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The bundled application as the build packaged it, {@code target/sipanchor.war}. */
    public static Path bundledWar() {
        Path dist = Path.of(System.getProperty("sipanchor.dist", "target/sipanchor"));
        return dist.resolveSibling("sipanchor.war");
    }

    /** The Open Liberty installation ({@code wlp/}) the build unpacked. */
    public static Path installation() {
        Path wlp = Path.of(System.getProperty("sipanchor.liberty", "target/liberty/wlp"));
        if (!Files.isRegularFile(wlp.resolve("bin/server"))) {
            throw new IllegalStateException(wlp + "/bin/server is missing: mvn verify unpacks Open Liberty (pre-integration-test)");
        }
        return wlp;
    }

    /**
     * A server of its own running {@code application} (a .war or .sar) with this configuration, SIP on
     * {@code 127.0.0.1:sipPort}; returns once the application is ready.
     */
    public static LibertyServer start(String yaml, int sipPort, Path application, List<String> jvmOptions) {
        LibertyServer server = launch(sipPort, jvmOptions);
        server.install(yaml, application);
        server.writeServerXml(application);
        server.awaitReady(0, APP_READY, START_TIMEOUT);
        return server;
    }

    /**
     * Deploys {@code application} with this configuration into the suite's one server (started on first use, and
     * again only when a test needs other JVM options), as an operator updates a running server, and returns once it
     * is ready. {@link Deployment#stopCleanly()} undeploys it; the server stops when the tests' JVM ends.
     */
    public static synchronized Deployment deployShared(String yaml, Path application, List<String> jvmOptions) {
        if (shared != null && (!shared.process.isAlive() || !sharedJvmOptions.equals(jvmOptions))) {
            shared.close();
            shared = null;
        }
        if (shared == null) {
            LibertyServer server = launch(LoopbackPorts.free(), jvmOptions);
            server.writeServerXml(application, false);
            server.awaitReady(0, SERVER_READY, START_TIMEOUT);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "liberty-stop"));
            shared = server;
            sharedJvmOptions = List.copyOf(jvmOptions);
        }
        return shared.deploy(yaml, application);
    }

    private Deployment deploy(String yaml, Path application) {
        int mark = output.size();
        install(yaml, application);
        writeServerXml(application);
        awaitReady(mark, APP_READY, START_TIMEOUT);
        return new Deployment(mark, application);
    }

    private static LibertyServer launch(int sipPort, List<String> jvmOptions) {
        Path userDir = TestOutput.directory("liberty-" + sipPort);
        Path serverDir = userDir.resolve("servers").resolve(SERVER_NAME);
        try {
            Files.createDirectories(serverDir.resolve("apps"));
            Files.writeString(serverDir.resolve("bootstrap.properties"), """
                    sip.port=%d
                    com.ibm.ws.logging.console.log.level=INFO
                    """.formatted(sipPort));
            Files.write(serverDir.resolve("jvm.options"), jvmOptions);
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", installation().resolve("bin/server").toString(), "run", SERVER_NAME)
                    .redirectErrorStream(true);
            builder.environment().put("WLP_USER_DIR", userDir.toAbsolutePath().toString());
            builder.environment().remove("WLP_OUTPUT_DIR");
            return new LibertyServer(builder.start(), serverDir, sipPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts the configuration next to server.xml and the application into apps/. */
    private void install(String yaml, Path application) {
        try {
            Files.writeString(serverDir.resolve("sipanchor.yaml"), yaml);
            Files.copy(application, serverDir.resolve("apps").resolve(application.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The repository's server.xml for the application: {@code liberty/server.xml} for the bundled .war or .sar,
     * {@code liberty/server-own-app.xml} for any other war, which also gets sipanchor-lib/ (target/sipanchor-lib).
     */
    private void writeServerXml(Path application) {
        writeServerXml(application, true);
    }

    /** {@link #writeServerXml(Path)}, or the same file without its application when {@code deployed} is false. */
    private void writeServerXml(Path application, boolean deployed) {
        String file = application.getFileName().toString();
        try {
            String xml;
            if (file.startsWith("sipanchor.")) {
                xml = Files.readString(SERVER_XML);
                if (!xml.contains(BUNDLED_APP)) {
                    throw new IllegalStateException(SERVER_XML + " no longer deploys the bundled war with " + BUNDLED_APP);
                }
                if (file.endsWith(".sar")) {
                    xml = xml.replace(BUNDLED_APP, "<application type=\"sar\" location=\"" + file + "\"/>");
                }
            } else {
                xml = Files.readString(OWN_APP_SERVER_XML);
                if (!xml.contains(OWN_APP)) {
                    throw new IllegalStateException(OWN_APP_SERVER_XML + " no longer deploys " + OWN_APP);
                }
                xml = xml.replace(OWN_APP, "location=\"" + file + "\"");
                copyLibrary(bundledWar().resolveSibling("sipanchor-lib"), serverDir.resolve("sipanchor-lib"));
            }
            if (!deployed) {
                xml = xml.replaceAll("(?s)<application [^>]*/>|<webApplication [^>]*/>|<webApplication [^>]*>.*?</webApplication>", "");
            }
            Files.writeString(serverDir.resolve("server.xml"), xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyLibrary(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var jars = Files.list(from)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, to.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The server's folder ({@code wlp/usr/servers/sipanchor}): its server.xml, sipanchor.yaml and logs/. */
    public Path serverDir() {
        return serverDir;
    }

    @Override
    public String sipAddress() {
        return "127.0.0.1:" + sipPort;
    }

    /** Waits until a line from {@code mark} on is {@code ready}; fails on a start-up failure or when the JVM ends. */
    private void awaitReady(int mark, Predicate<String> ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = since(mark);
            if (lines.stream().anyMatch(START_FAILED) || !process.isAlive()) {
                throw new AssertionError("sipanchor did not start on Open Liberty:\n" + String.join("\n", lines));
            }
            if (lines.stream().anyMatch(ready)) {
                return;
            }
            pause();
        }
        throw new AssertionError("Open Liberty not ready within " + timeout + ":\n" + String.join("\n", since(mark)));
    }

    private List<String> since(int mark) {
        List<String> all = List.copyOf(output); // a snapshot: the reader thread adds lines meanwhile
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    /**
     * {@inheritDoc} Liberty's JVM ends with status 143 after SIGTERM even when its shutdown went well; a clean stop is
     * the application and the server logging that they stopped.
     */
    @Override
    public void stopCleanly() {
        int status = stop();
        assertTrue(logged(APP_STOPPED), "the application stopped successfully:\n" + output());
        assertTrue(logged(line -> line.contains("CWWKE0036I")), "the server stopped:\n" + output());
        assertEquals(143, status, "exit status after SIGTERM (128 + 15)");
    }

    /** Sends SIGTERM, as a service manager stops the server, and returns the exit status. */
    public int stop() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("Open Liberty still running 30 s after SIGTERM:\n" + output());
            }
            reader.join(1000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public String output() {
        return String.join("\n", output);
    }

    @Override
    public boolean logged(Predicate<String> line) {
        return output.stream().anyMatch(line);
    }

    @Override
    public String awaitLogged(Predicate<String> line, Duration timeout) {
        return awaitLoggedSince(0, line, timeout);
    }

    private String awaitLoggedSince(int mark, Predicate<String> line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var found = since(mark).stream().filter(line).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            pause();
        }
        throw new AssertionError("no such line logged within " + timeout + ":\n" + String.join("\n", since(mark)));
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var log = Files.newBufferedWriter(serverDir.resolve("output.log"))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                log.write(line);
                log.newLine();
                log.flush();
            }
        } catch (IOException e) {
            output.add("(output reader failed: " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /**
     * One application deployed into the shared server, seen from its deployment on: its log is what the server
     * logged since, and stopping it undeploys it (the server runs on for the next test class).
     */
    public final class Deployment implements RunningSipAnchor {

        private final int mark;
        private final Path application;

        private Deployment(int mark, Path application) {
            this.mark = mark;
            this.application = application;
        }

        @Override
        public String sipAddress() {
            return LibertyServer.this.sipAddress();
        }

        /** Undeploys the application as an operator does (server.xml without it) and checks that it stopped. */
        @Override
        public void stopCleanly() {
            int undeployed = output.size();
            writeServerXml(application, false);
            awaitLoggedSince(undeployed, APP_STOPPED, START_TIMEOUT);
        }

        @Override
        public String output() {
            return String.join("\n", since(mark));
        }

        @Override
        public boolean logged(Predicate<String> line) {
            return since(mark).stream().anyMatch(line);
        }

        @Override
        public String awaitLogged(Predicate<String> line, Duration timeout) {
            return awaitLoggedSince(mark, line, timeout);
        }

        /** Leaves the shared server running: it stops when the tests' JVM ends. */
        @Override
        public void close() {
            // nothing of its own to end
        }
    }
}
