package org.sipanchor.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.sipanchor.config.ConfigException;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.media.MediaProfiles;

import sun.misc.Signal;

/**
 * The launcher behind {@code bin/sipanchor}: reads the configuration, checks what can be checked before
 * anything starts, starts the embedded container, deploys the application and logs one "ready" line.
 * SIGTERM and SIGINT stop it cleanly with exit status 0; any start-up failure is one line on standard
 * error and exit status 1. A {@linkplain TrialRun trial} stops by itself once ready; any other launch then
 * {@linkplain HeapWarmUp warms the heap} in the background.
 */
public final class Main {

    /** The system property through which the deployed application finds the configuration file. */
    public static final String CONFIG_PROPERTY = "sipanchor.config";
    /** The installation directory, set by {@code bin/sipanchor}. */
    public static final String HOME_PROPERTY = "sipanchor.home";

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty(HOME_PROPERTY, ".")).toAbsolutePath().normalize();
        try {
            run(LaunchOptions.parse(args, home));
        } catch (StartupException e) {
            System.err.println("sipanchor: " + e.getMessage());
            // The container may have started non-daemon threads before it failed.
            System.exit(1);
        }
    }

    private static void run(LaunchOptions launch) throws StartupException {
        LaunchOptions options = launch.trial() ? TrialRun.options(launch) : launch;
        SipAnchorConfig config;
        try {
            config = SipAnchorConfig.load(options.config());
            MediaProfiles.check(config.media());
        } catch (ConfigException e) {
            throw new StartupException("bad configuration: " + e.getMessage(), e);
        }
        ConsoleLogging.install(config.log());
        SipApplicationArchive app = SipApplicationArchive.open(options.app());
        List<HostPort> tcpListeners = new ArrayList<>();
        config.http().listen().ifPresent(tcpListeners::add);
        config.metrics().listen().ifPresent(tcpListeners::add);
        ListenerPreflight.check(config.sip().listen(), tcpListeners);
        System.setProperty(CONFIG_PROPERTY, options.config().toString());

        Path workDir = createWorkDir();
        EmbeddedSipContainer container = new EmbeddedSipContainer(workDir);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                LOG.info("stopping");
                // New requests get 503 from now on; calls being ended or handed over finish their transactions.
                StartupGate.drain();
                container.stop();
                deleteQuietly(workDir);
                LOG.info("stopped");
                System.exit(0);
            }
        };
        Signal.handle(new Signal("TERM"), signal -> stop.run());
        Signal.handle(new Signal("INT"), signal -> stop.run());

        container.start(config.sip(), config.http().listen(), app, config.app().recordRoute());
        container.deploy(app);
        StartupGate.open();

        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        String listening = config.sip().listen().stream().map(Object::toString).collect(Collectors.joining(" "));
        String httpText = config.http().listen().map(address -> " http " + address).orElse("");
        LOG.info(() -> "ready in " + uptime + " ms: sip " + listening + httpText + "; app " + app.appName() + " ("
                + config.app().mode().name().toLowerCase() + ") from " + app.location() + "; config " + options.config());
        if (options.trial()) {
            stop.run();
        }
        HeapWarmUp.startIfUntouched();
    }

    private static Path createWorkDir() throws StartupException {
        try {
            return Files.createTempDirectory("sipanchor-");
        } catch (IOException e) {
            throw new StartupException("cannot create a work directory: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.fine(() -> "work directory " + dir + " not removed: " + e.getMessage());
        }
    }
}
