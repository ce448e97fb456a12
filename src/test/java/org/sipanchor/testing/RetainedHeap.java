package org.sipanchor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a running server keeps after a full collection, as {@code jcmd} measures it from outside: what an attack
 * left behind, without the garbage it made. A hostile peer must not be able to grow it.
 */
public final class RetainedHeap {

    /**
     * {@code GC.heap_info}'s first line: " garbage-first heap   total 1048576K, used 30720K [0x..." on Java 17,
     * "... total reserved 1048576K, committed 1048576K, used 11939K [0x..." on Java 25.
     */
    private static final Pattern USED = Pattern.compile("heap\\s+total (?:reserved \\d+K, committed )?\\d+K, used (\\d+)K");

    private RetainedHeap() {
    }

    /** Bytes of heap in use in the JVM {@code pid} right after a full collection. */
    public static long of(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new AssertionError("no heap figure in jcmd " + pid + " GC.heap_info:\n" + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /**
     * Instances of the class named {@code className} (e.g. a container's session class) that the JVM {@code pid}
     * still holds after a full collection ({@code GC.class_histogram} collects first).
     */
    public static long instances(long pid, String className) {
        Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)", Pattern.MULTILINE)
                .matcher(jcmd(pid, "GC.class_histogram"));
        return row.find() ? Long.parseLong(row.group(1)) : 0;
    }

    /**
     * The same, of an embedded server (a Liberty server's process is not the test's to inspect), once the heap
     * warm-up it runs after "ready" is over.
     */
    public static long of(RunningSipAnchor server) {
        if (!(server instanceof SipAnchorServer embedded)) {
            throw new IllegalArgumentException("the retained heap is measured on the embedded server only: " + server);
        }
        embedded.awaitHeapWarmed();
        return of(embedded.pid());
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("jcmd " + pid + " " + command + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
