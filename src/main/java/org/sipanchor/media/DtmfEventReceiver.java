package org.sipanchor.media;

import java.io.IOException;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RtpEngineConfig;

/**
 * Receives the DTMF events RTPEngine sends when started with {@code --dtmf-log-dest=HOST:PORT}: one UDP datagram
 * of JSON per digit, {@code {"callid","source_tag","type":"DTMF","timestamp","source_ip","event","duration","volume"}}.
 * Each becomes a {@link DtmfEvent} handed to {@code sink}.
 *
 * <pre>{@code
 * try (DtmfEventReceiver receiver = DtmfEventReceiver.start(HostPort.parse("127.0.0.1:9999"),
 *         DtmfEventReceiver.sourcesOf(media.rtpengine()), event -> ...)) { ... }
 * }</pre>
 *
 * <p>Anyone who can reach the port can send a datagram, and a digit may drive an IVR or a transfer: so only
 * datagrams from {@code allowedSources} (the hosts of the RTPEngine instances) are read, and what arrives is bounded
 * ({@link Limits}). A datagram from elsewhere, larger than {@link Limits#maxDatagramBytes()}, not a DTMF event, or
 * beyond {@link Limits#maxEventsPerSecond()} is dropped and counted ({@link #drops()}); drops are logged at most
 * once per {@link Limits#reportInterval()}, with their counts, so a flood does not become a log flood.
 *
 * <p>{@code sink} runs on its own single thread, never on the receiving one: a slow observer delays neither the
 * socket nor other digits' reading. Its queue holds {@link Limits#queueCapacity()} events; beyond that events are
 * dropped and counted rather than queued without bound.
 */
public final class DtmfEventReceiver implements AutoCloseable {

    /**
     * How much the receiver takes.
     *
     * @param maxDatagramBytes   the largest datagram read as an event (RTPEngine's are about 200 bytes)
     * @param maxEventsPerSecond datagrams accepted from the allowed sources per second; the rest are dropped
     * @param queueCapacity      events waiting for the sink
     * @param reportInterval     drops are logged at most once per this interval
     */
    public record Limits(int maxDatagramBytes, int maxEventsPerSecond, int queueCapacity, Duration reportInterval) {
        /** 2 KiB, 500 per second, 1,000 waiting, a report a minute at most. */
        public static final Limits DEFAULT = new Limits(2048, 500, 1000, Duration.ofMinutes(1));

        public Limits {
            Objects.requireNonNull(reportInterval, "reportInterval");
            if (maxDatagramBytes <= 0 || maxEventsPerSecond <= 0 || queueCapacity <= 0 || reportInterval.isNegative()) {
                throw new IllegalArgumentException("DTMF receiver limits must be positive");
            }
        }
    }

    /**
     * Datagrams and events dropped since start, by reason.
     *
     * @param foreign     datagrams from a source not allowed
     * @param malformed   datagrams too large or not a DTMF event
     * @param rateLimited datagrams beyond the per-second bound
     * @param queueFull   events dropped because the sink's queue was full
     * @param sinkFailed  events the sink threw on
     */
    public record Drops(long foreign, long malformed, long rateLimited, long queueFull, long sinkFailed) {
        /** All of them. */
        public long total() {
            return foreign + malformed + rateLimited + queueFull + sinkFailed;
        }
    }

    private static final Logger LOG = Logger.getLogger(DtmfEventReceiver.class.getName());

    private final DatagramSocket socket;
    private final Set<InetAddress> allowedSources;
    private final Consumer<DtmfEvent> sink;
    private final Limits limits;
    private final ThreadPoolExecutor sinkExecutor;
    private final Thread thread;

    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong sinkFailed = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    // receiving thread only
    private long windowStart = System.nanoTime();
    private int inWindow;
    // any thread (the sink's reports failures too)
    private long nextReport = System.nanoTime();
    private Drops reported = new Drops(0, 0, 0, 0, 0);

    private DtmfEventReceiver(DatagramSocket socket, Set<InetAddress> allowedSources, Consumer<DtmfEvent> sink,
            Limits limits) {
        this.socket = socket;
        this.allowedSources = Set.copyOf(allowedSources);
        this.sink = sink;
        this.limits = limits;
        this.sinkExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queueCapacity()), r -> {
                    Thread t = new Thread(r, "dtmf-events-sink");
                    t.setDaemon(true);
                    return t;
                }, (task, executor) -> {
                    throw new RejectedExecutionException("DTMF sink queue full");
                });
        this.thread = new Thread(this::receive, "dtmf-events");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Binds {@code address} and starts receiving events from {@code allowedSources} with {@link Limits#DEFAULT}.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    public static DtmfEventReceiver start(HostPort address, Set<InetAddress> allowedSources, Consumer<DtmfEvent> sink) {
        return start(address, allowedSources, sink, Limits.DEFAULT);
    }

    /**
     * Binds {@code address} and starts receiving events from {@code allowedSources} within {@code limits}.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    public static DtmfEventReceiver start(HostPort address, Set<InetAddress> allowedSources, Consumer<DtmfEvent> sink,
            Limits limits) {
        Objects.requireNonNull(allowedSources, "allowedSources");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(limits, "limits");
        try {
            return new DtmfEventReceiver(new DatagramSocket(address.toSocketAddress()), allowedSources, sink, limits);
        } catch (SocketException e) {
            throw new IllegalStateException("cannot receive DTMF events on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * The addresses RTPEngine's events come from: the hosts of its configured instances (an RTPEngine sends from the
     * address its control port is on, as long as one interface reaches sipanchor).
     *
     * @throws IllegalStateException naming a host that does not resolve
     */
    public static Set<InetAddress> sourcesOf(RtpEngineConfig rtpengine) {
        Set<InetAddress> sources = new LinkedHashSet<>();
        for (EngineInstanceConfig instance : rtpengine.instances()) {
            try {
                sources.addAll(Set.of(InetAddress.getAllByName(instance.address().host())));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot resolve RTPEngine host " + instance.address().host(), e);
            }
        }
        return sources;
    }

    /** The bound address (useful when the port was 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** What was dropped so far, by reason. */
    public Drops drops() {
        return new Drops(foreign.get(), malformed.get(), rateLimited.get(), queueFull.get(), sinkFailed.get());
    }

    /** Datagrams read so far, dropped or not. */
    public long received() {
        return received.get();
    }

    private void receive() {
        // one byte more than allowed: a datagram that fills it was larger than allowed (the rest is cut off)
        byte[] buffer = new byte[limits.maxDatagramBytes() + 1];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warning("DTMF event receiver: " + e.getMessage());
                }
                continue;
            }
            handle(packet);
            received.incrementAndGet();
        }
    }

    private void handle(DatagramPacket packet) {
        SocketAddress from = packet.getSocketAddress();
        if (!allowedSources.contains(packet.getAddress())) {
            foreign.incrementAndGet();
            report(() -> "last from " + from);
            return;
        }
        if (!withinRate()) {
            rateLimited.incrementAndGet();
            report(() -> "last from " + from);
            return;
        }
        if (packet.getLength() > limits.maxDatagramBytes()) {
            malformed.incrementAndGet();
            report(() -> "last: a datagram over " + limits.maxDatagramBytes() + " bytes from " + from);
            return;
        }
        DtmfEvent event;
        try {
            event = parse(new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8));
        } catch (JsonException | IllegalArgumentException | ClassCastException | NullPointerException
                | ArithmeticException e) {
            malformed.incrementAndGet();
            report(() -> "last: not a DTMF event from " + from + ": " + e.getMessage());
            return;
        }
        try {
            sinkExecutor.execute(() -> deliver(event));
        } catch (RejectedExecutionException e) {
            queueFull.incrementAndGet();
            report(() -> "last: the observers' queue of " + limits.queueCapacity() + " events was full");
        }
    }

    private void deliver(DtmfEvent event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            sinkFailed.incrementAndGet();
            report(() -> "last: an observer failed: " + e);
        }
    }

    /** A fixed one-second window: simple, and at worst twice the bound across a window's edge. */
    private boolean withinRate() {
        long now = System.nanoTime();
        if (now - windowStart >= TimeUnit.SECONDS.toNanos(1)) {
            windowStart = now;
            inWindow = 0;
        }
        return ++inWindow <= limits.maxEventsPerSecond();
    }

    /** Logs the drops since the last report, if the report interval has passed; otherwise they wait for the next. */
    private synchronized void report(java.util.function.Supplier<String> last) {
        long now = System.nanoTime();
        if (now - nextReport < 0) {
            return;
        }
        nextReport = now + limits.reportInterval().toNanos();
        Drops total = drops();
        Drops since = new Drops(total.foreign() - reported.foreign(), total.malformed() - reported.malformed(),
                total.rateLimited() - reported.rateLimited(), total.queueFull() - reported.queueFull(),
                total.sinkFailed() - reported.sinkFailed());
        reported = total;
        LOG.warning("DTMF event receiver dropped " + since.total() + " since its last report: " + since.foreign()
                + " from foreign sources, " + since.malformed() + " malformed, " + since.rateLimited()
                + " over " + limits.maxEventsPerSecond() + "/s, " + since.queueFull() + " with the observers' queue full, "
                + since.sinkFailed() + " failed in an observer; " + last.get() + " (next report in "
                + limits.reportInterval().toSeconds() + " s at the earliest)");
    }

    static DtmfEvent parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            JsonObject event = reader.readObject();
            if (!"DTMF".equals(event.getString("type", "DTMF"))) {
                throw new IllegalArgumentException("type " + event.getString("type"));
            }
            return new DtmfEvent(event.getString("callid"), event.getString("source_tag", ""),
                    DtmfEvent.digitOf(event.getInt("event")), event.getJsonNumber("duration").longValue(),
                    event.getInt("volume", 0), Instant.ofEpochSecond(event.getJsonNumber("timestamp").longValue()),
                    event.getString("source_ip", ""));
        }
    }

    /** Stops receiving, then stops the sink's thread, waiting for both; events still queued are dropped. */
    @Override
    public void close() {
        socket.close();
        try {
            thread.join(1000);
            sinkExecutor.shutdownNow();
            sinkExecutor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
