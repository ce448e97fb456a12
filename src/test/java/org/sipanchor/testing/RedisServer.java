package org.sipanchor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} for tests, on a free loopback port, with nothing written to disk:
 * {@code redis-server --port P --bind 127.0.0.1 --save '' --appendonly no}. Its output goes to
 * {@code target/redis/}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServer REDIS = new RedisServer();
 * ... "app.registrar.store: " + REDIS.uri() ...
 * REDIS.pause();   // SIGSTOP: connections stay open, nothing answers
 * REDIS.resume();
 * }</pre>
 */
public final class RedisServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static final String BINARY = "redis-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(RedisServer::close), "redis-server-cleanup"));
    }

    private int port;
    private Process process;
    private Path logFile;

    /** Starts the server (if not running) and waits until it answers PING. */
    public synchronized RedisServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (port == 0) {
            port = LoopbackPorts.free();
        }
        List<String> cmd = List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--protected-mode", "yes");
        try {
            Path dir = Path.of("target", "redis").toAbsolutePath();
            Files.createDirectories(dir);
            logFile = dir.resolve("redis-" + port + "-" + ProcessHandle.current().pid() + ".log");
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + BINARY + " (scripts/install-deps installs redis-server)", e);
        }
        LIVE.add(this);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start-up:\n" + logTail());
            }
            if (command("PING").startsWith("+PONG")) {
                return this;
            }
            sleep(20);
        }
        close();
        throw new IllegalStateException("redis-server did not answer PING within " + START_TIMEOUT + ":\n" + logTail());
    }

    /** {@code redis://127.0.0.1:PORT}, for {@code app.registrar.store}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Sends one command in Redis's inline form and returns the first line of the reply ({@code +PONG},
     * {@code :3}, {@code $-1}...), or an empty string when nothing answers within a second.
     */
    public String command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** An integer reply ({@code DBSIZE}, {@code EXISTS k}, {@code ZCARD k}). */
    public long integer(String inline) {
        String reply = command(inline);
        if (!reply.startsWith(":")) {
            throw new IllegalStateException(inline + " answered " + reply);
        }
        return Long.parseLong(reply.substring(1));
    }

    /** Freezes the server (SIGSTOP): it keeps its connections and answers nothing until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    /** Stops the server at once (SIGKILL); {@link #start()} brings it back on the same port, empty. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            signal("CONT");
            kill();
        }
        LIVE.remove(this);
    }
}
