package org.sipanchor.server;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.logging.Logger;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Faults in the heap's untouched memory once the server is ready, on a thread of its own, so that the first young
 * collections under load do not.
 *
 * <p>{@code bin/sipanchor} leaves a heap in transparent huge pages untouched at start-up: touching 2 GiB took 2 to
 * 4.7 s on the development host, over the 3 s start-up budget. G1 takes the regions it promotes into from the low
 * end of the heap, and the first collections that reach untouched ones fault them in inside the pause: in B2BUA
 * sweeps on a host where page faults are dear, 2.2 to 2.5 s of system time in young pauses over the first two
 * minutes, against 0.2 to 0.3 s after this warm-up, and 750 calls/s without a failed call where the untouched heap
 * failed 731 to 911 calls (three sweeps of each). G1 places humongous arrays from the low end as well: holding such
 * arrays until most of the heap is taken, then dropping them for the next young collection to free, makes the
 * JVM's own zeroing of the arrays touch those regions. Measured: 1.5 GiB of a 2 GiB heap in up to 3 s of one core.
 *
 * <p>Runs only under G1 and when the JVM did not touch the heap itself ({@code -XX:+AlwaysPreTouch}).
 */
final class HeapWarmUp implements Runnable {

    private static final Logger LOG = Logger.getLogger(HeapWarmUp.class.getName());

    /**
     * Each array spans this many regions: humongous, which G1 places from the low end of the heap. Once the arrays
     * pass the heap's initiating occupancy, each new one starts a marking cycle if none runs: arrays of four regions
     * each started 30 cycles in 1.5 s, arrays of 16 five.
     */
    private static final int REGIONS_PER_ARRAY = 16;
    /** What stays free while the arrays are held: room for new calls' allocation until they are dropped. */
    private static final double FREE_SHARE_KEPT = 0.2;

    private final int arrayBytes;

    private HeapWarmUp(int arrayBytes) {
        this.arrayBytes = arrayBytes;
    }

    /** Starts warming the heap on a daemon thread, when the collector and the JVM's options call for it. */
    static void startIfUntouched() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (!isOn(hotspot, "UseG1GC") || isOn(hotspot, "AlwaysPreTouch")) {
            return;
        }
        int regionBytes = Integer.parseInt(hotspot.getVMOption("G1HeapRegionSize").getValue());
        Thread thread = new Thread(new HeapWarmUp(regionBytes * REGIONS_PER_ARRAY), "heap-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long startNanos = System.nanoTime();
        Runtime runtime = Runtime.getRuntime();
        long kept = (long) (runtime.maxMemory() * FREE_SHARE_KEPT);
        // One holder, allocated once: a list's grown copies would outlive it in the old generation, still pointing
        // at the arrays, and keep them until the next marking cycle instead of the next young collection.
        byte[][] held = new byte[(int) Math.max(0, (free(runtime) - kept) / arrayBytes)][];
        int count = 0;
        try {
            while (count < held.length && free(runtime) - arrayBytes > kept) {
                held[count] = new byte[arrayBytes];
                count++;
            }
        } catch (OutOfMemoryError e) {
            // the calls' own allocation took what the estimate counted on: what is held is dropped below
        } finally {
            Arrays.fill(held, null);
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        long mib = ((long) count * arrayBytes) >> 20;
        LOG.info(() -> "heap warmed: " + mib + " MiB faulted in after ready, in " + millis + " ms");
    }

    private static long free(Runtime runtime) {
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    private static boolean isOn(HotSpotDiagnosticMXBean hotspot, String flag) {
        return Boolean.parseBoolean(hotspot.getVMOption(flag).getValue());
    }
}
