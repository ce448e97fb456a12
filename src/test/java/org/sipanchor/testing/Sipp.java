package org.sipanchor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SIPp process running a scenario from {@code src/test/resources/sipp/}. SIPp's exit status says
 * whether every call succeeded (0); its error log and message trace stay in the test output folder.
 *
 * <pre>{@code
 * try (Sipp uas = Sipp.scenario("uas-answer.xml").port(5090).calls(1).start()) {
 *     Sipp.scenario("uac-call.xml").port(5070).service("bob").remote("127.0.0.1:5060").calls(1).run();
 *     uas.assertSucceeded(Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class Sipp implements AutoCloseable {

    /** How a SIPp run is set up; build it, then {@link #start()} or {@link #run()}. */
    public static final class Builder {
        private final String scenario;
        private int port = LoopbackPorts.free();
        private String remote;
        private String service = "service";
        private int calls = 1;
        private String transport = "u1";
        private final List<String> extra = new ArrayList<>();
        private final java.util.Map<String, String> placeholders = new java.util.LinkedHashMap<>();
        private String name;

        private Builder(String scenario) {
            this.scenario = scenario;
            placeholders.put("offer", sdp("pcmu-offer.sdp"));
            placeholders.put("answer", sdp("pcmu-answer.sdp"));
            placeholders.put("reoffer", sdp("pcmu-reoffer.sdp"));
            placeholders.put("contact_port", "[local_port]");
            placeholders.put("ack_to_bye_ms", "200");
        }

        public Builder port(int localPort) {
            this.port = localPort;
            return this;
        }

        public Builder remote(String hostPort) {
            this.remote = hostPort;
            return this;
        }

        public Builder service(String user) {
            this.service = user;
            return this;
        }

        public Builder calls(int count) {
            this.calls = count;
            return this;
        }

        /** TCP, one connection. */
        public Builder tcp() {
            this.transport = "t1";
            return this;
        }

        public Builder args(String... arguments) {
            extra.addAll(List.of(arguments));
            return this;
        }

        /** Replaces {@code {{key}}} in the scenario text before SIPp reads it (for what SIPp cannot vary, e.g. a status). */
        public Builder set(String key, String value) {
            placeholders.put(key, value);
            return this;
        }

        /** The SDP offer a caller scenario sends ({@code {{offer}}}), from {@code src/test/resources/sipp/sdp/}. */
        public Builder offer(String sdpFile) {
            return set("offer", sdp(sdpFile));
        }

        /** The SDP answer (or late offer) a callee scenario sends ({@code {{answer}}}). */
        public Builder answer(String sdpFile) {
            return set("answer", sdp(sdpFile));
        }

        /** Names the trace files; defaults to the scenario and port. */
        public Builder name(String traceName) {
            this.name = traceName;
            return this;
        }

        public Sipp start() {
            return new Sipp(this);
        }

        /** Runs to the end and fails unless every call succeeded. */
        public void run() {
            try (Sipp sipp = start()) {
                sipp.assertSucceeded(Duration.ofSeconds(60));
            }
        }
    }

    /** Numbers every run, so that a port used again does not overwrite an earlier run's traces. */
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    private final Process process;
    private final Path errorFile;
    private final Path messageFile;
    private final Path screenFile;
    private final int port;

    private Sipp(Builder builder) {
        this.port = builder.port;
        String traceName = builder.name != null ? builder.name
                : builder.scenario.replace(".xml", "") + "-" + builder.port + "-" + RUNS.incrementAndGet();
        Path dir = TestOutput.directory("sipp");
        this.errorFile = dir.resolve(traceName + "-errors.log");
        this.messageFile = dir.resolve(traceName + "-messages.log");
        this.screenFile = dir.resolve(traceName + "-screen.log");
        List<String> command = new ArrayList<>(List.of("sipp", "-sf", scenarioFile(builder, dir, traceName).toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(builder.port), "-t", builder.transport,
                "-m", Integer.toString(builder.calls), "-s", builder.service, "-nostdin",
                "-trace_err", "-error_file", errorFile.toString(),
                "-trace_msg", "-message_file", messageFile.toString(),
                "-timeout", "60s", "-timeout_error"));
        command.addAll(builder.extra);
        if (builder.remote != null) {
            command.add(builder.remote);
        }
        try {
            Files.deleteIfExists(errorFile);
            Files.deleteIfExists(messageFile);
            this.process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(screenFile.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sipp: " + e.getMessage(), e);
        }
        awaitListening();
    }

    /**
     * SIPp binds its port a moment after it starts; a callee over TCP must be listening before it is called. The wait
     * reads the kernel's socket tables: probing by binding would take the port for an instant and could make SIPp's
     * own bind fail with "Address already in use".
     */
    private void awaitListening() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!LoopbackPorts.isInUse(port) && process.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static Builder scenario(String fileName) {
        return new Builder(fileName);
    }

    public int port() {
        return port;
    }

    /** Waits for SIPp to end and returns its exit status (0: every call succeeded). */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("sipp on port " + port + " did not finish within " + timeout + "\n" + report());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public void assertSucceeded(Duration timeout) {
        int status = waitFor(timeout);
        if (status != 0) {
            throw new AssertionError("sipp on port " + port + " exited with " + status + "\n" + report());
        }
    }

    /** The messages SIPp sent and received, as traced. */
    public String messages() {
        return read(messageFile);
    }

    private String report() {
        return "errors:\n" + read(errorFile) + "\nscreen:\n" + tail(read(screenFile), 3000);
    }

    /** An SDP file of {@code src/test/resources/sipp/sdp/}, as text. */
    public static String sdp(String fileName) {
        try (var in = Sipp.class.getResourceAsStream("/sipp/sdp/" + fileName)) {
            if (in == null) {
                throw new IllegalArgumentException("no SDP src/test/resources/sipp/sdp/" + fileName);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String text, int characters) {
        return text.length() <= characters ? text : text.substring(text.length() - characters);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static Path scenarioFile(Builder builder, Path dir, String traceName) {
        URL resource = Sipp.class.getResource("/sipp/" + builder.scenario);
        if (resource == null) {
            throw new IllegalArgumentException("no scenario src/test/resources/sipp/" + builder.scenario);
        }
        try {
            Path original = Path.of(resource.toURI());
            String text = Files.readString(original, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (var entry : builder.placeholders.entrySet()) {
                text = text.replace("{{" + entry.getKey() + "}}", entry.getValue());
            }
            Path filled = dir.resolve(traceName + "-scenario.xml");
            Files.writeString(filled, text, java.nio.charset.StandardCharsets.ISO_8859_1);
            return filled;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
