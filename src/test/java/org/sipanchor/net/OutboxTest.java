package org.sipanchor.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An outbox sends a socket's datagrams from its own thread")
class OutboxTest {

    @Test
    @DisplayName("what one thread queues leaves in the order it was queued, from the outbox's thread")
    void sendsInOrderFromItsThread() throws Exception {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(1_000);
        try (Outbox<Integer> outbox = new Outbox<>("test-tx", 2_000, d -> {
            sent.add(d);
            threads.add(Thread.currentThread().getName());
            all.countDown();
        })) {
            IntStream.range(0, 1_000).forEach(i -> assertTrue(outbox.send(i)));
            assertTrue(all.await(5, TimeUnit.SECONDS));
        }
        assertEquals(IntStream.range(0, 1_000).boxed().toList(), sent);
        assertEquals(List.of("test-tx"), threads.stream().distinct().toList());
    }

    @Test
    @DisplayName("past its capacity a datagram is dropped and counted, not queued, and the sender never waits")
    void dropsPastCapacity() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sent = new CopyOnWriteArrayList<>();
        try (Outbox<Integer> outbox = new Outbox<>("test-tx", 3, d -> {
            stuck.countDown();
            await(release);
            sent.add(d);
        })) {
            assertTrue(outbox.send(0)); // taken by the thread, which then blocks in the socket's send
            assertTrue(stuck.await(5, TimeUnit.SECONDS));
            assertTrue(outbox.send(1));
            assertTrue(outbox.send(2));
            assertTrue(outbox.send(3));
            assertFalse(outbox.send(4), "a fourth waiting datagram is one past the capacity");
            assertEquals(1, outbox.dropped());
            release.countDown();
        }
        assertEquals(List.of(0, 1, 2, 3), sent, "close() sends what was queued first");
    }

    @Test
    @DisplayName("a send that fails is counted and the next datagram still leaves")
    void survivesAFailedSend() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        try (Outbox<Integer> outbox = new Outbox<>("test-tx", 10, d -> {
            if (d == 1) {
                throw new IOException("no buffer space");
            }
            second.countDown();
        })) {
            outbox.send(1);
            outbox.send(2);
            assertTrue(second.await(5, TimeUnit.SECONDS));
            assertEquals(1, outbox.failed());
        }
    }

    @Test
    @DisplayName("once closed, it drops what it is given and its thread has ended")
    void dropsOnceClosed() {
        Outbox<Integer> outbox = new Outbox<>("test-tx-closed", 10, d -> { });
        outbox.close();
        assertFalse(outbox.send(1));
        assertEquals(1, outbox.dropped());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("test-tx-closed")));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
