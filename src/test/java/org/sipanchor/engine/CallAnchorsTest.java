package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CallAnchors: the local Call-ID table is bounded, least recently used goes first, idle entries expire")
class CallAnchorsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private CallAnchors<String> table(int capacity, Duration idle) {
        return new CallAnchors<>(capacity, idle, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    @DisplayName("put, get and remove")
    void basics() {
        CallAnchors<String> t = table(10, Duration.ofHours(4));
        t.put("c1", "127.0.0.1:22222");
        assertEquals(Optional.of("127.0.0.1:22222"), t.get("c1"));
        assertEquals(Optional.empty(), t.get("c2"));
        t.remove("c1");
        assertEquals(Optional.empty(), t.get("c1"));
        assertEquals(0, t.size());
    }

    @Test
    @DisplayName("never more than its capacity: the entry least recently used is evicted")
    void bounded() {
        CallAnchors<String> t = table(3, Duration.ofHours(4));
        t.put("c1", "a");
        t.put("c2", "a");
        t.put("c3", "a");
        t.get("c1"); // c2 is now the least recently used
        t.put("c4", "b");
        assertEquals(3, t.size());
        assertEquals(Optional.empty(), t.get("c2"));
        assertEquals(Optional.of("a"), t.get("c1"));
        assertEquals(Optional.of("b"), t.get("c4"));
        assertEquals(1, t.evicted());
        for (int i = 0; i < 10_000; i++) {
            t.put("x" + i, "a");
        }
        assertEquals(3, t.size());
    }

    @Test
    @DisplayName("an entry idle for longer than the timeout is gone; every use refreshes it")
    void idleExpiry() {
        CallAnchors<String> t = table(10, Duration.ofHours(4));
        t.put("busy", "a");
        t.put("idle", "a");
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofHours(1));
            assertEquals(Optional.of("a"), t.get("busy"), "used every hour, kept");
        }
        assertEquals(Optional.empty(), t.get("idle"), "unused for 5 h");
    }

    @Test
    @DisplayName("purgeExpired drops exactly the idle entries")
    void purge() {
        CallAnchors<String> t = table(100, Duration.ofMinutes(10));
        for (int i = 0; i < 50; i++) {
            t.put("old" + i, "a");
        }
        advance(Duration.ofMinutes(9));
        for (int i = 0; i < 20; i++) {
            t.put("new" + i, "a");
        }
        t.get("old0"); // used: no longer idle
        advance(Duration.ofMinutes(2));
        assertEquals(49, t.purgeExpired());
        assertEquals(21, t.size());
        assertEquals(Optional.of("a"), t.get("old0"));
        assertEquals(Optional.of("a"), t.get("new19"));
    }

    @Test
    @DisplayName("capacity and idle timeout must be positive")
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> table(0, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> table(1, Duration.ZERO));
    }
}
