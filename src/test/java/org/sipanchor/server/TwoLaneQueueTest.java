package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A two-lane queue: takers empty the first lane before the second, each lane in order")
class TwoLaneQueueTest {

    @Test
    @DisplayName("the first lane is taken first; plain offer() is the second lane; size, peek and the snapshot agree")
    void firstLaneFirst() {
        TwoLaneQueue<String> queue = new TwoLaneQueue<>();
        queue.offer("new-1");
        queue.offer("call-1", true);
        queue.offer("new-2", false);
        queue.offer("call-2", true);

        assertEquals(4, queue.size());
        assertEquals("call-1", queue.peek());
        assertEquals(List.of("call-1", "call-2", "new-1", "new-2"), new ArrayList<>(queue));
        assertEquals(Long.valueOf(1), queue.oldest(element -> element.endsWith("1") ? 1 : 2), "the older head of the two");
        assertTrue(queue.remove("call-2"));
        assertFalse(queue.remove("call-2"));
        List<String> drained = new ArrayList<>();
        assertEquals(3, queue.drainTo(drained));
        assertEquals(List.of("call-1", "new-1", "new-2"), drained);
        assertTrue(queue.isEmpty());
        assertEquals(Long.MAX_VALUE, queue.oldest(element -> 0));
        assertNull(queue.poll());
    }

    @Test
    @DisplayName("take() waits for an element in either lane; poll(timeout) gives up empty-handed")
    void blocksUntilOffered() throws Exception {
        TwoLaneQueue<String> queue = new TwoLaneQueue<>();
        assertNull(queue.poll(20, TimeUnit.MILLISECONDS));
        CompletableFuture<String> taker = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(taker.isDone(), "nothing to take yet");
        queue.offer("call", true);
        assertEquals("call", taker.get(5, TimeUnit.SECONDS));
        queue.offer("new");
        assertEquals("new", queue.poll(1, TimeUnit.SECONDS));
        queue.offer("x");
        queue.clear();
        assertEquals(0, queue.size());
    }
}
