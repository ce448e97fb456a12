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
 * <p>Each test class gets a server of its own: an application redeployed into a running Liberty 25.0.0.11 server
 * lost its {@code sip.xml} timer listener ("Timer Listener not associated with Application Session"), so sharing
 * one server between classes would test something users should not do.
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
    /** "[app] [/context] [servlet]: Initialization successful.": the main servlet has started and can take calls. */
    private static final Predicate<String> APP_READY = line -> line.contains("SRVE0242I");
    /** "The application ... has stopped successfully". */
    private static final Predicate<String> APP_STOPPED = line -> line.contains("CWWKZ0009I");
    private static final List<String> START_FAILURES = List.of("CWWKZ0002E", "CWWKZ0004E", "SRVE0271E", "SRVE0276E",
            "CWWKF0001E", "CWWKE0701E", "CWWKG0014E", "bad configuration");
    private static final Predicate<String> START_FAILED = line -> START_FAILURES.stream().anyMatch(line::contains);

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
                Files.writeString(serverDir.resolve("dar.properties"), applicationRouter(file.replaceFirst("\\.war$", "")));
            }
            Files.writeString(serverDir.resolve("server.xml"), xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default application router's file: every method to {@code appName}, as the launcher writes it. */
    private static String applicationRouter(String appName) {
        StringBuilder dar = new StringBuilder();
        for (String method : List.of("INVITE", "REGISTER", "OPTIONS", "MESSAGE", "SUBSCRIBE", "NOTIFY", "PUBLISH", "REFER", "INFO", "UPDATE")) {
            dar.append(method).append(": (\"").append(appName).append("\", \"DAR:From\", \"ORIGINATING\", \"\", \"NO_ROUTE\", \"0\")\n");
        }
        return dar.toString();
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
}
