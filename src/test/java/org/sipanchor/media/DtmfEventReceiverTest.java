package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.testing.LogCapture;
import org.sipanchor.testing.LoopbackPorts;

@DisplayName("DtmfEventReceiver at the edge: only RTPEngine's datagrams, bounded, and a slow observer blocks nothing")
class DtmfEventReceiverTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final InetAddress RTPENGINE = loopback("127.0.0.1");
    /** Linux routes all of 127/8 to lo: a second local address stands for a spoofing peer. */
    private static final InetAddress SPOOFER = loopback("127.0.0.2");

    private final HostPort listen = new HostPort("127.0.0.1", LoopbackPorts.free());
    private final BlockingQueue<DtmfEvent> delivered = new LinkedBlockingQueue<>();
    @RegisterExtension
    final LogCapture log = LogCapture.of(DtmfEventReceiver.class, Level.WARNING);

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String event(String callId, int digit) {
        return "{\"callid\":\"" + callId + "\",\"source_tag\":\"t1\",\"tags\":[\"t1\",\"t2\"],\"type\":\"DTMF\","
                + "\"timestamp\":1764000000,\"source_ip\":\"192.0.2.10\",\"event\":" + digit
                + ",\"duration\":160,\"volume\":10}";
    }

    private static void send(InetAddress from, DtmfEventReceiver to, String text, int times) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
            for (int i = 0; i < times; i++) {
                socket.send(new DatagramPacket(bytes, bytes.length, to.address()));
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    @DisplayName("a datagram from an address that is not RTPEngine's is dropped and counted; RTPEngine's is delivered")
    void spoofedDatagramIsNotDelivered() throws Exception {
        try (DtmfEventReceiver receiver = DtmfEventReceiver.start(listen, Set.of(RTPENGINE), delivered::add)) {
            send(SPOOFER, receiver, event("spoofed", 1), 1);
            await("the spoofed datagram is read", () -> receiver.received() == 1);
            send(RTPENGINE, receiver, event("genuine", 2), 1);

            DtmfEvent first = delivered.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(first, "the genuine event");
            assertEquals("genuine", first.callId());
            assertTrue(delivered.isEmpty(), "nothing else: " + delivered);
            assertEquals(1, receiver.drops().foreign());
        }
    }

    @Test
    @DisplayName("the observer runs on its own thread, not the receiving one")
    void sinkRunsOffTheReceivingThread() throws Exception {
        BlockingQueue<Thread> sinkThreads = new LinkedBlockingQueue<>();
        try (DtmfEventReceiver receiver = DtmfEventReceiver.start(listen, Set.of(RTPENGINE),
                e -> sinkThreads.add(Thread.currentThread()))) {
            send(RTPENGINE, receiver, event("thread", 3), 1);
            Thread sinkThread = sinkThreads.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(sinkThread);
            Thread receiving = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("dtmf-events")).findFirst().orElseThrow();
            assertNotEquals(receiving, sinkThread);
        }
    }

    @Test
    @DisplayName("an observer that never returns does not stop the receiver: excess events are dropped and counted")
    void stuckObserverBlocksNothing() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        DtmfEventReceiver.Limits limits = new DtmfEventReceiver.Limits(2048, 10_000, 4, Duration.ofHours(1));
        try (DtmfEventReceiver receiver = DtmfEventReceiver.start(listen, Set.of(RTPENGINE), e -> {
            delivered.add(e);
            try {
                never.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt(); // close() ends the stuck observer
            }
        }, limits)) {
            send(RTPENGINE, receiver, event("flood", 4), 50);
            await("all 50 read", () -> receiver.received() == 50);

            // one in the observer, at most four waiting, the rest dropped
            assertTrue(receiver.drops().queueFull() >= 45, receiver.drops().toString());
            assertEquals(1, log.messages().size(), "one report for the whole flood: " + log.messages());
        }
    }

    @Test
    @DisplayName("beyond the per-second bound, datagrams are dropped and counted")
    void rateBound() throws Exception {
        DtmfEventReceiver.Limits limits = new DtmfEventReceiver.Limits(2048, 10, 1000, Duration.ofHours(1));
        try (DtmfEventReceiver receiver = DtmfEventReceiver.start(listen, Set.of(RTPENGINE), delivered::add, limits)) {
            send(RTPENGINE, receiver, event("rate", 5), 100);
            await("all 100 read", () -> receiver.received() == 100);

            // a fixed one-second window: a burst across its edge may get two windows' worth
            assertTrue(receiver.drops().rateLimited() >= 80, receiver.drops().toString());
            await("the accepted ones delivered", () -> delivered.size() == 100 - receiver.drops().rateLimited());
        }
    }

    @Test
    @DisplayName("a datagram larger than the bound, or not a DTMF event, is dropped; the report comes once per interval")
    void badDatagramsAreCountedAndReportedOnce() throws Exception {
        DtmfEventReceiver.Limits limits = new DtmfEventReceiver.Limits(512, 10_000, 1000, Duration.ofHours(1));
        try (DtmfEventReceiver receiver = DtmfEventReceiver.start(listen, Set.of(RTPENGINE), delivered::add, limits)) {
            String oversized = event("big", 6).replace("\"t2\"", "\"" + "x".repeat(600) + "\"");
            send(RTPENGINE, receiver, oversized, 1);
            send(RTPENGINE, receiver, "not json", 20);
            send(RTPENGINE, receiver, "{\"type\":\"DTMF\",\"event\":99}", 1);
            send(SPOOFER, receiver, event("spoofed", 7), 20);
            await("all 42 read", () -> receiver.received() == 42);

            assertEquals(22, receiver.drops().malformed());
            assertEquals(20, receiver.drops().foreign());
            assertNull(delivered.poll(), "nothing delivered");
            assertEquals(1, log.messages().size(), "one report an interval, not one per datagram: " + log.messages());
        }
    }

    @Test
    @DisplayName("the allowed sources are the hosts of the configured RTPEngine instances")
    void sourcesAreTheRtpEngineHosts() {
        MediaConfig media = SipAnchorConfig.parse("""
                media:
                  rtpengine:
                    instances:
                      - { address: "127.0.0.1:22222", weight: 1 }
                      - { address: "192.0.2.7:22222", weight: 1 }
                """, "test.yaml", java.util.Map.of()).media();
        assertEquals(Set.of(RTPENGINE, loopback("192.0.2.7")), DtmfEventReceiver.sourcesOf(media.rtpengine()));
    }
}
