package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.TestOutput;

/** The launcher as an operator meets it: it starts, says it is ready, stops on SIGTERM, and fails loudly. */
@DisplayName("bin/sipanchor")
class LauncherIT {

    private static final Duration FAIL_FAST = Duration.ofSeconds(15);

    @Test
    @DisplayName("logs one ready line with its SIP addresses, and exits 0 on SIGTERM")
    void startsAndStopsCleanly() {
        int port = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port)) {
            assertTrue(server.logged(line -> line.contains("] ready in ") && line.contains("udp:127.0.0.1:" + port)
                    && line.contains("tcp:127.0.0.1:" + port)), server.output());
            assertEquals(0, server.stop(), server.output());
            assertTrue(server.logged(line -> line.contains("] stopped")), server.output());
        }
    }

    @Test
    @DisplayName("refuses to start when a SIP port is taken, naming the address")
    void failsOnPortInUse() throws Exception {
        int port = LoopbackPorts.free();
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                SipAnchorServer server = SipAnchorServer.launch(SipAnchorServer.config(port, ""), port)) {
            int status = server.waitForExit(FAIL_FAST);
            assertNotEquals(0, status);
            assertTrue(server.output().contains("cannot listen on sip udp:127.0.0.1:" + port), server.output());
            assertFalse(server.logged(line -> line.contains("] ready in ")), server.output());
        }
    }

    @Test
    @DisplayName("refuses to start with a bad configuration, naming file, line and key")
    void failsOnBadConfig() {
        int port = LoopbackPorts.free();
        String yaml = SipAnchorServer.config(port, "media:\n  rtpengine:\n    timeout_ms: -5\n");
        try (SipAnchorServer server = SipAnchorServer.launch(yaml, port)) {
            assertEquals(1, server.waitForExit(FAIL_FAST));
            assertTrue(server.output().matches("(?s).*sipanchor: bad configuration: .*sipanchor\\.yaml:7: media\\.rtpengine\\.timeout_ms: must be greater than 0.*"),
                    server.output());
        }
    }

    @Test
    @DisplayName("refuses to start when the application does not exist")
    void failsOnMissingApp() {
        int port = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.launch(SipAnchorServer.config(port, ""), port, "--app", "/nonexistent/app.war")) {
            assertEquals(1, server.waitForExit(FAIL_FAST));
            assertTrue(server.output().contains("application /nonexistent/app.war does not exist"), server.output());
        }
    }

    @Test
    @DisplayName("deploys the same application packaged as a .sar")
    void deploysSar() {
        int port = LoopbackPorts.free();
        String sar = SipAnchorServer.launcher().getParent().getParent().getParent().resolve("sipanchor.sar").toString();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port, "--app", sar)) {
            assertTrue(server.logged(line -> line.contains("] ready in ") && line.contains("sipanchor.sar")), server.output());
            assertEquals(0, server.stop());
        }
    }

    @Test
    @DisplayName("asks for transparent huge pages where the kernel gives them on request, and touches the heap at start-up where it gives none")
    void heapPagesFollowTheKernelsMode() throws IOException {
        Path thpMode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String mode = Files.isReadable(thpMode) ? Files.readString(thpMode) : "";
        int port = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port)) {
            List<String> jvmFlags = server.commandLine();
            if (mode.contains("[madvise]")) {
                assertTrue(jvmFlags.contains("-XX:+UseTransparentHugePages"), jvmFlags.toString());
                assertFalse(jvmFlags.contains("-XX:+AlwaysPreTouch"), jvmFlags.toString());
            } else if (mode.contains("[always]")) {
                assertFalse(jvmFlags.contains("-XX:+UseTransparentHugePages"), jvmFlags.toString());
                assertFalse(jvmFlags.contains("-XX:+AlwaysPreTouch"), jvmFlags.toString());
            } else {
                assertTrue(jvmFlags.contains("-XX:+AlwaysPreTouch"), jvmFlags.toString());
            }
            assertEquals(0, server.stop(), server.output());
        }
    }

    @Test
    @DisplayName("faults an untouched heap in after it is ready, on a thread of its own")
    void warmsAnUntouchedHeapAfterReady() throws IOException {
        int port = LoopbackPorts.free();
        // last in the JVM's options, so the heap is left untouched at start-up whatever the kernel's mode
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port, List.of("-XX:-AlwaysPreTouch"))) {
            String warmed = server.awaitHeapWarmed().orElseThrow();
            Matcher touched = Pattern.compile("heap warmed: (\\d+) MiB").matcher(warmed);
            assertTrue(touched.find(), warmed);
            long touchedMib = Long.parseLong(touched.group(1));
            long residentMib = residentBytes(server.pid()) >> 20;
            // of the 2 GiB heap; an idle server that did not touch it holds about 300 MiB in all
            assertTrue(touchedMib >= 1_024, warmed);
            assertTrue(residentMib >= touchedMib, "resident " + residentMib + " MiB after " + warmed);
            assertEquals(0, server.stop(), server.output());
        }
    }

    @Test
    @DisplayName("leaves a heap the JVM touched at start-up as it is")
    void leavesAPreTouchedHeapAlone() throws InterruptedException {
        int port = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port, List.of("-XX:+AlwaysPreTouch"))) {
            // the warm-up of a heap already in memory would take well under a second
            Thread.sleep(5_000);
            assertEquals(0, server.stop(), server.output());
            assertFalse(server.logged(SipAnchorServer::isHeapWarmed), server.output());
        }
    }

    @Test
    @DisplayName("maps start-up's classes from the class archive the build wrote")
    void startsFromTheClassArchive() throws IOException {
        int port = LoopbackPorts.free();
        Path classLog = TestOutput.directory("class-archive-" + port).resolve("classes.log");
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(port, ""), port, archiveOnly(classLog))) {
            assertEquals(0, server.stop(), server.output());
        }
        assertTrue(loadedFromArchive(classLog, "org.sipanchor.server.Main"), "Main not loaded from the archive");
        assertTrue(loadedFromArchive(classLog, "gov.nist.javax.sip.SipStackImpl"), "the SIP stack not loaded from the archive");
        assertTrue(loadedFromArchive(classLog, "org.apache.catalina.core.StandardContext"), "Tomcat not loaded from the archive");
    }

    @Test
    @DisplayName("a moved installation starts without the archive and without a warning, until it writes its own")
    void movedInstallationWritesItsOwnClassArchive() throws Exception {
        Path copy = Files.createTempDirectory(TestOutput.directory("moved-installation"), "sipanchor-");
        copyTree(SipAnchorServer.launcher().getParent().getParent(), copy);
        Path launcher = copy.resolve("bin/sipanchor");
        int port = LoopbackPorts.free();
        String yaml = SipAnchorServer.config(port, "");
        try (SipAnchorServer server = SipAnchorServer.start(launcher, yaml, port, List.of())) {
            assertEquals(0, server.stop(), server.output());
            assertFalse(server.output().contains("[cds"), server.output());
        }

        Process write = new ProcessBuilder(launcher.toString(), "--write-class-archive").redirectErrorStream(true)
                .redirectOutput(copy.resolve("write-class-archive.log").toFile()).start();
        boolean written = write.waitFor(60, TimeUnit.SECONDS);
        if (!written) {
            write.destroyForcibly();
        }
        assertTrue(written, "--write-class-archive still running after 60 s");
        assertEquals(0, write.exitValue(), Files.readString(copy.resolve("write-class-archive.log")));

        Path classLog = copy.resolve("classes.log");
        try (SipAnchorServer server = SipAnchorServer.start(launcher, yaml, port, archiveOnly(classLog))) {
            assertEquals(0, server.stop(), server.output());
        }
        assertTrue(loadedFromArchive(classLog, "org.sipanchor.server.Main"), "Main not loaded from the new archive");
    }

    /** JVM options under which it refuses to start at all rather than start without its archive, logging each class's source. */
    private static List<String> archiveOnly(Path classLog) {
        return List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classLog);
    }

    private static boolean loadedFromArchive(Path classLog, String className) throws IOException {
        try (Stream<String> lines = Files.lines(classLog)) {
            return lines.anyMatch(line -> line.contains(" " + className + " source: shared objects file"));
        }
    }

    private static long residentBytes(long pid) throws IOException {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        Matcher resident = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        assertTrue(resident.find(), status);
        return Long.parseLong(resident.group(1)) << 10;
    }

    /** Copies as {@code cp -r} does: new files, new times, another path. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                    target.toFile().setExecutable(Files.isExecutable(path));
                }
            }
        }
    }
}
