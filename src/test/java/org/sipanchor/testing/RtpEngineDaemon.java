package org.sipanchor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code rtpengine} for tests, on loopback ports of its own.
 *
 * <pre>{@code
 * // one daemon for all tests of a class:
 * @RegisterExtension
 * static final RtpEngineDaemon RTPENGINE = RtpEngineDaemon.builder().build();
 *
 * // one per test (non-static field), or by hand:
 * try (RtpEngineDaemon d = RtpEngineDaemon.builder().extraArgs("--max-sessions=1").start()) {
 *     NgClient c = NgClient.builder().address(d.ngAddress()).build();
 *     ...
 *     assertEquals(0, d.sessionCount());
 * }
 * }</pre>
 *
 * <p>Runs {@code rtpengine --foreground --config-file=none --table=-1 --interface=127.0.0.1 --listen-ng=...
 * --listen-tcp-ng=... --listen-cli=... --port-min=... --port-max=... --delete-delay=0 --log-stderr} plus any extra
 * arguments, waits until it answers an NG ping, and captures its output in {@code target/rtpengine/}.
 * {@code --config-file=none} keeps it from reading the system-wide config (which would bind fixed ports and make a
 * second instance fail); {@code --delete-delay=0} makes deleted calls vanish at once. Ports come from
 * {@link FreePorts}, so instances (in this JVM or another) never share control ports or RTP ranges.
 */
public final class RtpEngineDaemon implements AutoCloseable, BeforeAllCallback, AfterAllCallback,
        BeforeEachCallback, AfterEachCallback {

    private static final String BINARY = "/usr/bin/rtpengine";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<RtpEngineDaemon> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Pattern TOTAL_SESSIONS = Pattern.compile("(?m)^\\s*Current sessions total\\s*:\\s*(\\d+)");
    private static final Pattern OWN_SESSIONS = Pattern.compile("(?m)^\\s*Current sessions own\\s*:\\s*(\\d+)");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(RtpEngineDaemon::close),
                "rtpengine-daemon-cleanup"));
    }

    private final List<String> extraArgs;
    private FreePorts.Block ports;
    private Process process;
    private Path logFile;
    private boolean startedForClass;
    private boolean startedForMethod;

    private RtpEngineDaemon(Builder b) {
        this.extraArgs = List.copyOf(b.extraArgs);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a daemon; {@link #build()} for use as a JUnit extension, {@link #start()} to run it now. */
    public static final class Builder {
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /** More command-line options, e.g. {@code --max-sessions=1}, {@code --dtmf-log-dest=127.0.0.1:9999}. */
        public Builder extraArgs(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /** Not yet started: for {@code @RegisterExtension}, which starts and stops it. */
        public RtpEngineDaemon build() {
            return new RtpEngineDaemon(this);
        }

        /** Started and answering pings. */
        public RtpEngineDaemon start() {
            return build().start();
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the daemon (if not running) and waits until it answers an NG ping. */
    public synchronized RtpEngineDaemon start() {
        if (isRunning()) {
            return this;
        }
        if (ports == null) {
            ports = FreePorts.claim();
        }
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--foreground", "--config-file=none", "--table=-1",
                "--interface=127.0.0.1",
                "--listen-ng=127.0.0.1:" + ports.control(0),
                "--listen-tcp-ng=127.0.0.1:" + ports.control(1),
                "--listen-cli=127.0.0.1:" + ports.control(2),
                "--port-min=" + ports.rtpMin(), "--port-max=" + ports.rtpMax(),
                "--delete-delay=0", "--log-stderr"));
        cmd.addAll(extraArgs);
        try {
            Path dir = Path.of("target", "rtpengine").toAbsolutePath();
            Files.createDirectories(dir);
            logFile = dir.resolve("rtpengine-" + ports.control(0) + "-" + ProcessHandle.current().pid() + "-"
                    + STARTS.incrementAndGet() + ".log");
            Files.writeString(logFile, String.join(" ", cmd) + System.lineSeparator());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + BINARY, e);
        }
        LIVE.add(this);
        awaitReady();
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        byte[] ping = "ready-check d7:command4:pinge".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(100);
            byte[] buf = new byte[512];
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("rtpengine exited with " + process.exitValue() + " at start-up:\n"
                            + logTail());
                }
                s.send(new DatagramPacket(ping, ping.length, ngAddress()));
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    String reply = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
                    if (reply.contains("pong") && tcpAccepts()) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // not up yet
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot ping rtpengine", e);
        }
        kill();
        throw new IllegalStateException("rtpengine did not answer a ping within " + START_TIMEOUT + ":\n" + logTail());
    }

    private boolean tcpAccepts() {
        try (Socket s = new Socket()) {
            s.connect(tcpNgAddress(), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the daemon at once (SIGKILL), as a crash would; its ports stay reserved for {@link #restart()}. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(this);
    }

    /**
     * Freezes the daemon (SIGSTOP): it keeps its sockets and calls but answers nothing, as a hung or overloaded
     * machine would; requests queue up in its socket buffers until {@link #resume()}.
     */
    public synchronized void pause() {
        signal("STOP");
        // The kernel stops each thread when it next runs: until then a thread may still answer a request.
        awaitThreadStates(true);
    }

    /** Lets a {@link #pause() paused} daemon run again (SIGCONT); it then handles what queued up meanwhile. */
    public synchronized void resume() {
        signal("CONT");
        awaitThreadStates(false);
    }

    /** Waits until every thread of the daemon is stopped (or none is), reading /proc/PID/task/TID/stat. */
    private void awaitThreadStates(boolean stopped) {
        Path tasks = Path.of("/proc", String.valueOf(pid()), "task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (var threads = Files.list(tasks)) {
                boolean all = threads.allMatch(task -> isStopped(task) == stopped);
                if (all) {
                    return;
                }
                Thread.sleep(5);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + tasks, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("rtpengine " + pid() + " did not " + (stopped ? "stop" : "resume") + " within 5 s");
    }

    private static boolean isStopped(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            // the state is the field after the command name, which is in parentheses and may contain spaces
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
        } catch (IOException e) {
            return true; // a thread that is gone cannot answer either
        }
    }

    private void signal(String name) {
        try {
            Process p = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills and starts again on the same ports: every call it had is gone. */
    public synchronized RtpEngineDaemon restart() {
        kill();
        return start();
    }

    /** Kills the daemon and gives its ports back. */
    @Override
    public synchronized void close() {
        kill();
        if (ports != null) {
            ports.close();
            ports = null;
        }
    }

    // ------------------------------------------------------------------ JUnit 5

    @Override
    public void beforeAll(ExtensionContext context) {
        startedForClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (startedForClass) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!startedForClass) {
            startedForMethod = true;
            start();
        } else if (!isRunning()) {
            start(); // a test killed it; the next one gets a fresh daemon on the same ports
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedForMethod) {
            close();
        }
    }

    // ------------------------------------------------------------------ addresses and probes

    private FreePorts.Block ports() {
        if (ports == null) {
            throw new IllegalStateException("rtpengine not started");
        }
        return ports;
    }

    /** {@code --listen-ng}: NG over UDP. */
    public InetSocketAddress ngAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), ports().control(0));
    }

    /** The NG address as configuration writes it: {@code 127.0.0.1:port}. */
    public String ngHostPort() {
        return "127.0.0.1:" + ngAddress().getPort();
    }

    /** {@code --listen-tcp-ng}: NG over TCP. */
    public InetSocketAddress tcpNgAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), ports().control(1));
    }

    /** {@code --listen-cli}: the port {@code rtpengine-ctl} talks to. */
    public int cliPort() {
        return ports().control(2);
    }

    public int rtpPortMin() {
        return ports().rtpMin();
    }

    public int rtpPortMax() {
        return ports().rtpMax();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("rtpengine not started");
        }
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** How many NG {@code command}s ({@code offer}, {@code delete}...) for {@code callId} the daemon has logged. */
    public long commandsLogged(String callId, String command) {
        String line = "[" + callId + "]: [control] Received command '" + command + "'";
        try (java.util.stream.Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(line)).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    /** Calls RTPEngine knows now (own and foreign), from {@code rtpengine-ctl list numsessions}. */
    public int sessionCount() {
        String out = ctl("list", "numsessions");
        Matcher m = TOTAL_SESSIONS.matcher(out);
        if (!m.find()) {
            m = OWN_SESSIONS.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("cannot read a session count from rtpengine-ctl:\n" + out);
            }
        }
        return Integer.parseInt(m.group(1));
    }

    /** Runs {@code rtpengine-ctl -ip 127.0.0.1 -port CLI <args>} and returns its output. */
    public String ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rtpengine-ctl", "-ip", "127.0.0.1", "-port",
                String.valueOf(cliPort())));
        Collections.addAll(cmd, args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("rtpengine-ctl hung");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("rtpengine-ctl exited with " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run rtpengine-ctl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** CPU time (user + system) the daemon has used so far, from {@code /proc/PID/stat}; 10 ms resolution. */
    public long cpuTimeNanos() {
        return ProcCpu.nanos(pid());
    }

    /** The last lines of the daemon's output, for failure messages. */
    public String logTail() {
        if (logFile == null) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "rtpengine[" + (ports == null ? "not started" : "ng=" + ports.control(0) + " tcp-ng="
                + ports.control(1) + " cli=" + ports.control(2) + " rtp=" + ports.rtpMin() + "-" + ports.rtpMax())
                + "]";
    }
}
