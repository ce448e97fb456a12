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
import org.sipanchor.testing.Await;

@DisplayName("An outbox sends a socket's datagrams without a sender ever waiting for another")
class OutboxTest {

    @Test
    @DisplayName("a datagram handed over while the socket is free leaves at once, on the sender's own thread")
    void sendsInlineWhenTheSocketIsFree() {
        List<String> threads = new CopyOnWriteArrayList<>();
        try (Outbox<Integer> outbox = new Outbox<>("test-tx", 10, d -> threads.add(Thread.currentThread().getName()))) {
            assertTrue(outbox.send(1));
            assertEquals(List.of(Thread.currentThread().getName()), threads, "sent before send() returned");
        }
    }

    @Test
    @DisplayName("while a sender is in the socket's send, the others only queue, and what they queued leaves in order "
            + "from the outbox's thread")
    void queuesWhileTheSocketIsBusy() throws Exception {
        CountDownLatch inSend = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sent = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (Outbox<Integer> outbox = new Outbox<>("test-tx", 100, d -> {
            if (d == 0) {
                inSend.countDown();
                await(release);
            }
            sent.add(d);
            threads.add(Thread.currentThread().getName());
        })) {
            Thread stuck = new Thread(() -> outbox.send(0), "stuck-sender");
            stuck.start();
            assertTrue(inSend.await(5, TimeUnit.SECONDS));
            IntStream.rangeClosed(1, 5).forEach(i -> assertTrue(outbox.send(i))); // returns: they only queue
            assertEquals(List.of(), sent, "nothing passed the datagram in the socket's send");
            release.countDown();
            stuck.join(5_000);
            Await.count("sent", 6, sent::size);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), sent);
        assertEquals(List.of("stuck-sender", "test-tx"), threads.stream().distinct().toList());
    }

    @Test
    @DisplayName("what each of several threads hands over at once leaves in its order, none lost and none twice")
    void keepsEachSendersOrderUnderContention() throws Exception {
        int senders = 8;
        int each = 5_000;
        List<int[]> sent = new CopyOnWriteArrayList<>();
        try (Outbox<int[]> outbox = new Outbox<>("test-tx", senders * each, sent::add)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = IntStream.range(0, senders).mapToObj(s -> new Thread(() -> {
                await(start);
                for (int i = 0; i < each; i++) {
                    assertTrue(outbox.send(new int[] {s, i}));
                }
            })).toList();
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            Await.count("sent", senders * each, sent::size);
            assertEquals(0, outbox.dropped());
        }
        int[] next = new int[senders];
        for (int[] datagram : sent) {
            assertEquals(next[datagram[0]]++, datagram[1], "sender " + datagram[0] + "'s datagrams out of order");
        }
        assertEquals(senders * each, sent.size());
    }

    @Test
    @DisplayName("past its capacity a datagram is dropped and counted, not queued, and the sender never waits")
    void dropsPastCapacity() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sent = new CopyOnWriteArrayList<>();
        try (Outbox<Integer> outbox = new Outbox<>("test-tx", 3, d -> {
            if (d == 0) {
                stuck.countDown();
                await(release);
            }
            sent.add(d);
        })) {
            Thread sender = new Thread(() -> outbox.send(0)); // blocks in the socket's send
            sender.start();
            assertTrue(stuck.await(5, TimeUnit.SECONDS));
            assertTrue(outbox.send(1));
            assertTrue(outbox.send(2));
            assertTrue(outbox.send(3));
            assertFalse(outbox.send(4), "a fourth waiting datagram is one past the capacity");
            assertEquals(1, outbox.dropped());
            release.countDown();
            sender.join(5_000);
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
