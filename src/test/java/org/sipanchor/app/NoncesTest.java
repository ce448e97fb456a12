package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.app.Nonces.Verdict;

@DisplayName("Digest nonces")
class NoncesTest {

    private final MutableClock clock = new MutableClock();
    private final Nonces nonces = new Nonces(clock, Duration.ofSeconds(300), 2);

    @Test
    @DisplayName("are fresh until their lifetime passes, then stale")
    void lifetime() {
        String nonce = nonces.issue();
        assertEquals(Verdict.FRESH, nonces.check(nonce));
        clock.advance(Duration.ofSeconds(299));
        assertEquals(Verdict.FRESH, nonces.check(nonce));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Verdict.STALE, nonces.check(nonce));
    }

    @Test
    @DisplayName("are foreign when not issued here, altered, or garbage")
    void foreign() {
        assertEquals(Verdict.FOREIGN, nonces.check(new Nonces(clock, Duration.ofSeconds(300), 2).issue()));
        assertEquals(Verdict.FOREIGN, nonces.check("not a nonce"));
        assertEquals(Verdict.FOREIGN, nonces.check(""));
        String nonce = nonces.issue();
        char last = nonce.charAt(nonce.length() - 1);
        assertEquals(Verdict.FOREIGN, nonces.check(nonce.substring(0, nonce.length() - 1) + (last == 'A' ? 'B' : 'A')));
    }

    @Test
    @DisplayName("take each nonce count once, increasing")
    void countsIncrease() {
        String nonce = nonces.issue();
        assertEquals(Verdict.FRESH, nonces.use(nonce, 1));
        assertEquals(Verdict.STALE, nonces.use(nonce, 1));
        assertEquals(Verdict.FRESH, nonces.use(nonce, 3));
        assertEquals(Verdict.STALE, nonces.use(nonce, 2));
    }

    @Test
    @DisplayName("remember at most their capacity, and what they forget turns stale rather than replayable")
    void bounded() {
        String first = nonces.issue();
        clock.advance(Duration.ofMillis(1));
        String second = nonces.issue();
        clock.advance(Duration.ofMillis(1));
        String third = nonces.issue();
        assertEquals(Verdict.FRESH, nonces.use(first, 1));
        assertEquals(Verdict.FRESH, nonces.use(second, 1));
        assertEquals(Verdict.FRESH, nonces.use(third, 1));
        assertTrue(nonces.remembered() <= 2);
        assertEquals(Verdict.STALE, nonces.use(first, 1), "a replay of the forgotten one");
        assertEquals(Verdict.STALE, nonces.use(first, 2), "even with a new count");
        assertEquals(Verdict.FRESH, nonces.use(third, 2));
    }

    @Test
    @DisplayName("forget used nonces once they expire")
    void expiredForgotten() {
        nonces.use(nonces.issue(), 1);
        clock.advance(Duration.ofSeconds(300));
        nonces.use(nonces.issue(), 1);
        assertEquals(1, nonces.remembered());
    }
}
