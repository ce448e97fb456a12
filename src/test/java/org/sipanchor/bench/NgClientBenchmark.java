package org.sipanchor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.ng.NgTransportKind;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * Offer+delete pairs against a real local rtpengine, one at a time and with 8 and 32 in flight. For each run it
 * prints commands/s, p50/p99 latency, and the CPU time of this client process per 1,000 commands next to rtpengine's
 * own CPU time for the same commands, both measured around the same run.
 *
 * <p>{@code bench/ng-client.sh [--seconds=5] [--transport=udp|tcp] [--levels=1,8,32,1b,32b]
 * [--rtpengine-log-level=5] [--callbacks-on-common-pool] [--threads]}
 * <ul>
 *   <li>Levels: {@code N} keeps N offer-then-delete chains in flight with the asynchronous {@code send()};
 *       {@code Nb} runs N threads each calling the blocking {@code execute()}.</li>
 *   <li>Client CPU: {@code OperatingSystemMXBean.getProcessCpuTime()} of this JVM (all its threads: client, GC, JIT,
 *       the benchmark loop), before and after each run; nothing subtracted. A warm-up run (not reported) lets the
 *       JIT compile first.</li>
 *   <li>rtpengine CPU: user + system time from {@code /proc/PID/stat} (10 ms ticks), read at the same moments.
 *       rtpengine logs at level 5 (notice) by default here: at its own default (6, info) it writes several lines per
 *       command, which costs it about 50% more CPU (flattering the client's share) and fills the disk.</li>
 *   <li>Latency: from the call to {@code send}/{@code execute} to the completion, per command.</li>
 * </ul>
 */
public final class NgClientBenchmark {

    private record Level(int inFlight, boolean blocking) {
        static Level parse(String s) {
            boolean b = s.endsWith("b");
            return new Level(Integer.parseInt(b ? s.substring(0, s.length() - 1) : s), b);
        }

        String mode() {
            return blocking ? "blocking" : "async";
        }
    }

    private record Result(Level level, long commands, double seconds, long p50, long p99, long max, long clientCpu,
            long engineCpu, long errors) {
    }

    private final NgClient client;
    private final RtpEngineDaemon rtpengine;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final AtomicLong blockingThreadCpu = new AtomicLong();

    private NgClientBenchmark(NgClient client, RtpEngineDaemon rtpengine) {
        this.client = client;
        this.rtpengine = rtpengine;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        NgTransportKind transport = NgTransportKind.UDP;
        String logLevel = "5";
        List<Level> levels = Arrays.stream("1,8,32,1b,32b".split(",")).map(Level::parse).toList();
        boolean threadReport = false;
        boolean commonPool = false;
        for (String a : args) {
            if (a.startsWith("--seconds=")) {
                seconds = Integer.parseInt(a.substring("--seconds=".length()));
            } else if (a.startsWith("--transport=")) {
                transport = NgTransportKind.valueOf(a.substring("--transport=".length()).toUpperCase(Locale.ROOT));
            } else if (a.startsWith("--levels=")) {
                levels = Arrays.stream(a.substring("--levels=".length()).split(",")).map(Level::parse).toList();
            } else if (a.startsWith("--rtpengine-log-level=")) {
                logLevel = a.substring("--rtpengine-log-level=".length());
            } else if (a.equals("--threads")) {
                threadReport = true;
            } else if (a.equals("--callbacks-on-common-pool")) {
                commonPool = true;
            } else {
                throw new IllegalArgumentException("unknown option " + a);
            }
        }

        try (RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().extraArgs("--log-level=" + logLevel).start()) {
            NgClient.Builder b = NgClient.builder()
                    .address(transport == NgTransportKind.UDP ? rtpengine.ngAddress() : rtpengine.tcpNgAddress())
                    .transport(transport).timeout(Duration.ofSeconds(2)).maxInFlight(256);
            if (commonPool) {
                b.callbackExecutor(ForkJoinPool.commonPool());
            }
            try (NgClient client = b.build()) {
                System.out.printf(Locale.ROOT, "rtpengine 10.5 (%s, log level %s) and client (%s%s) on %d CPUs,"
                                + " Java %s, %d s per run%n", rtpengine.ngAddress(), logLevel, transport,
                        commonPool ? ", callbacks on common pool" : "", Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"), seconds);
                new NgClientBenchmark(client, rtpengine).runAll(levels, seconds, threadReport);
            }
        }
    }

    private void runAll(List<Level> levels, int seconds, boolean threadReport) throws Exception {
        run(new Level(8, false), Math.min(seconds, 3), "warm-up");
        run(new Level(1, true), 1, "warm-up");
        List<Result> results = new ArrayList<>();
        for (Level level : levels) {
            Map<String, Long> before = threadCpu();
            blockingThreadCpu.set(0);
            Result r = run(level, seconds, level.inFlight() + " " + level.mode());
            results.add(r);
            if (threadReport) {
                printThreads(before, threadCpu(), r.commands());
            }
        }
        int left = rtpengine.sessionCount();
        if (left != 0) {
            throw new IllegalStateException("sessions left behind in rtpengine: " + left);
        }
        System.out.println();
        System.out.println("| in flight | API      | commands | cmds/s | p50 ms | p99 ms | client CPU ms/1k cmds "
                + "| rtpengine CPU ms/1k cmds | client / rtpengine | errors |");
        System.out.println("|----------:|----------|---------:|-------:|-------:|-------:|----------------------:"
                + "|-------------------------:|-------------------:|-------:|");
        for (Result r : results) {
            double clientPerK = r.clientCpu() / 1e6 / (r.commands() / 1000.0);
            double enginePerK = r.engineCpu() / 1e6 / (r.commands() / 1000.0);
            System.out.printf(Locale.ROOT, "| %9d | %-8s | %8d | %6.0f | %6.3f | %6.3f | %21.1f | %24.1f | %17.0f%% "
                            + "| %6d |%n", r.level().inFlight(), r.level().mode(), r.commands(),
                    r.commands() / r.seconds(), r.p50() / 1e6, r.p99() / 1e6, clientPerK, enginePerK,
                    100.0 * clientPerK / enginePerK, r.errors());
        }
    }

    private Result run(Level level, int seconds, String name) throws Exception {
        long[] latencies = new long[Math.max(1_000_000, seconds * 200_000)];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        String prefix = name.replace(' ', '-') + "-" + System.nanoTime() + "-";
        Recorder rec = new Recorder(latencies, recorded, errors, firstError);

        System.gc();
        long cpu0 = os.getProcessCpuTime();
        long engine0 = rtpengine.cpuTimeNanos();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);

        if (level.blocking()) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < level.inFlight(); i++) {
                Thread t = new Thread(() -> {
                    while (System.nanoTime() < deadline) {
                        String callId = prefix + calls.incrementAndGet();
                        try {
                            long s = System.nanoTime();
                            client.execute(offer(callId));
                            long m = System.nanoTime();
                            client.execute(NgRequest.delete(callId, "a"));
                            rec.latency(m - s);
                            rec.latency(System.nanoTime() - m);
                        } catch (Exception ex) {
                            rec.error(ex);
                        }
                    }
                    blockingThreadCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }, "bench-caller-" + i);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } else {
            CountDownLatch lanes = new CountDownLatch(level.inFlight());
            for (int i = 0; i < level.inFlight(); i++) {
                chain(prefix, calls, deadline, rec, lanes);
            }
            lanes.await();
        }

        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long engine1 = rtpengine.cpuTimeNanos();
        int n = Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-12s %7d commands in %.1f s%s%n", name + ":", n, (t1 - t0) / 1e9,
                firstError.get() == null ? "" : ", first error: " + firstError.get());
        return new Result(level, n, (t1 - t0) / 1e9, sorted[n / 2], sorted[(int) (n * 0.99)], sorted[n - 1],
                cpu1 - cpu0, engine1 - engine0, errors.get());
    }

    /** One asynchronous chain: offer, then delete, then the next pair, until the deadline. */
    private void chain(String prefix, AtomicLong calls, long deadline, Recorder rec, CountDownLatch done) {
        if (System.nanoTime() >= deadline) {
            done.countDown();
            return;
        }
        String callId = prefix + calls.incrementAndGet();
        long s = System.nanoTime();
        client.send(offer(callId)).thenCompose(offer -> {
            long m = System.nanoTime();
            rec.latency(m - s);
            return client.send(NgRequest.delete(callId, "a")).thenApply(r -> {
                rec.latency(System.nanoTime() - m);
                return r;
            });
        }).whenComplete((r, e) -> {
            if (e != null) {
                rec.error(e);
            }
            chain(prefix, calls, deadline, rec, done);
        });
    }

    private record Recorder(long[] latencies, AtomicInteger recorded, AtomicLong errors,
            AtomicReference<Throwable> firstError) {
        void latency(long nanos) {
            int i = recorded.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = nanos;
            }
        }

        void error(Throwable e) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e);
        }
    }

    /** An offer as a SIP proxy anchoring a call sends it. */
    private static NgRequest offer(String callId) {
        return NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("a").viaBranch("z9hG4bK" + callId)
                .sdp(SampleSdp.plainAudio(callId, 40000)).replace("origin", "session connection")
                .flags("trust address").ice("remove").transportProtocol("RTP/AVP").build();
    }

    /** CPU time per live thread, same-named threads summed. */
    private static Map<String, Long> threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long ns = mx.getThreadCpuTime(id);
            if (info != null && ns > 0) {
                out.merge(info.getThreadName().replaceAll("[-#]?[0-9]+$", "-N"), ns, Long::sum);
            }
        }
        return out;
    }

    private void printThreads(Map<String, Long> before, Map<String, Long> after, long commands) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((t, ns) -> delta.put(t, ns - before.getOrDefault(t, 0L)));
        delta.put("bench-caller-N (ended)", blockingThreadCpu.get());
        delta.forEach((t, ns) -> {
            if (ns > 1_000_000L) {
                System.out.printf(Locale.ROOT, "    %-34s %7.0f ms  %6.1f us/cmd%n", t, ns / 1e6, ns / 1e3 / commands);
            }
        });
    }
}
