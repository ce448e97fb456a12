import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a sipanchor process spends its CPU and its allocations, from a JFR recording (bench/compare.sh --profile):
 * each execution sample and each allocation sample is charged to the layer of its innermost frame outside the JDK
 * (the JDK code a layer calls is that layer's cost), logging to logging wherever it is called from. Also prints the
 * share of samples with sipanchor code anywhere on the stack, GC pauses, and the hottest methods.
 *
 * <pre>java bench/JfrBreakdown.java target.jfr [calls [skip-seconds]]</pre>
 * With the number of calls made during the recording, it also prints CPU time per call; events of the first
 * skip-seconds (start-up: class loading, CDI, JIT) are left out.
 */
public class JfrBreakdown {

    enum Layer { LOGGING, NG_CLIENT, SIPANCHOR, SIP_STACK, CONTAINER, CDI_YAML_METRICS, JDK_ONLY }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long calls = args.length > 1 ? Long.parseLong(args[1]) : 0;
        long skipSeconds = args.length > 2 ? Long.parseLong(args[2]) : 0;
        java.time.Instant recordingStart = null;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (recordingStart == null || event.getStartTime().isBefore(recordingStart)) recordingStart = event.getStartTime();
        }
        java.time.Instant from = recordingStart.plusSeconds(skipSeconds);
        Map<Layer, Long> cpu = new LinkedHashMap<>();
        Map<Layer, Long> alloc = new LinkedHashMap<>();
        Map<String, Long> hot = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0, withOurs = 0, allocTotal = 0, gcPauseNanos = 0, gcs = 0;
        double cpuLoadSum = 0; long cpuLoadN = 0;
        java.time.Instant first = null, last = null;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            if (event.getStartTime().isBefore(from)) continue;
            if (first == null || event.getStartTime().isBefore(first)) first = event.getStartTime();
            if (last == null || event.getEndTime().isAfter(last)) last = event.getEndTime();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack == null) continue;
                    cpu.merge(layerOf(stack.getFrames()), 1L, Long::sum);
                    if (stack.getFrames().stream().anyMatch(f -> className(f).startsWith("org.sipanchor."))) withOurs++;
                    if (!stack.getFrames().isEmpty()) {
                        RecordedFrame top = stack.getFrames().get(0);
                        hot.merge(className(top) + "." + top.getMethod().getName(), 1L, Long::sum);
                    }
                    String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
                    threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "N"), 1L, Long::sum);
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = event.getLong("weight");
                    allocTotal += weight;
                    RecordedStackTrace stack = event.getStackTrace();
                    alloc.merge(stack == null ? Layer.JDK_ONLY : layerOf(stack.getFrames()), weight, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    gcPauseNanos += event.getDuration("sumOfPauses").toNanos();
                }
                case "jdk.CPULoad" -> {
                    cpuLoadSum += event.getDouble("jvmUser") + event.getDouble("jvmSystem");
                    cpuLoadN++;
                }
                default -> { }
            }
        }
        Duration span = Duration.between(first, last);
        System.out.printf("recording %s: %.1f s, %d execution samples, %d with sipanchor code on the stack (%.0f%%)%n",
                file.getFileName(), span.toMillis() / 1000.0, samples, withOurs, 100.0 * withOurs / Math.max(1, samples));
        double jvmCpu = cpuLoadN == 0 ? 0 : cpuLoadSum / cpuLoadN; // share of all cores
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("JVM CPU: %.0f%% of one core on average; GC: %d collections, %d ms of pauses (%.2f%% of the time)%n",
                100 * jvmCpu * cores, gcs, gcPauseNanos / 1_000_000, 100.0 * gcPauseNanos / Math.max(1, span.toNanos()));
        if (calls > 0) {
            System.out.printf("per call: %.0f us of JVM CPU, %.0f KB allocated (sampled), GC pauses %.1f us%n",
                    jvmCpu * cores * span.toNanos() / 1000.0 / calls, allocTotal / 1024.0 / calls, gcPauseNanos / 1000.0 / calls);
        }
        final long sampleCount = Math.max(1, samples);
        System.out.println("\nCPU samples by layer (innermost non-JDK frame; logging wherever called):");
        cpu.entrySet().stream().sorted(Map.Entry.<Layer, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-18s %6d  %5.1f%%%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / sampleCount));
        System.out.println("\nallocation by layer (sampled weight):");
        final long total = Math.max(1, allocTotal);
        alloc.entrySet().stream().sorted(Map.Entry.<Layer, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-18s %8d MB  %5.1f%%%n", e.getKey(), e.getValue() >> 20, 100.0 * e.getValue() / total));
        System.out.println("\nCPU samples by thread:");
        threads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("  %-40s %6d%n", e.getKey(), e.getValue()));
        System.out.println("\nhottest methods (top frame):");
        hot.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
                .forEach(e -> System.out.printf("  %6d  %s%n", e.getValue(), e.getKey()));
    }

    private static Layer layerOf(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String name = className(frame);
            if (name.startsWith("java.util.logging.") || name.startsWith("org.apache.log4j.")
                    || name.startsWith("org.sipanchor.server.ConsoleLogging") || name.startsWith("gov.nist.core.CommonLogger")
                    || name.startsWith("gov.nist.core.LogWriter") || name.startsWith("org.apache.juli.")) {
                return Layer.LOGGING;
            }
        }
        for (RecordedFrame frame : frames) {
            String name = className(frame);
            if (name.startsWith("org.sipanchor.ng.")) return Layer.NG_CLIENT;
            if (name.startsWith("org.sipanchor.")) return Layer.SIPANCHOR;
            if (name.startsWith("gov.nist.") || name.startsWith("javax.sip.") || name.startsWith("org.mobicents.ha.")
                    || name.startsWith("org.mobicents.ext.javax.sip")) return Layer.SIP_STACK;
            if (name.startsWith("org.mobicents.") || name.startsWith("org.apache.catalina.") || name.startsWith("org.apache.tomcat.")
                    || name.startsWith("org.apache.coyote.") || name.startsWith("javax.servlet.")) return Layer.CONTAINER;
            if (name.startsWith("org.jboss.weld.") || name.startsWith("org.yaml.") || name.startsWith("io.prometheus.")) {
                return Layer.CDI_YAML_METRICS;
            }
        }
        return Layer.JDK_ONLY;
    }

    private static String className(RecordedFrame frame) {
        return frame.getMethod() == null ? "?" : frame.getMethod().getType().getName();
    }
}
