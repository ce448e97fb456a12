package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Smooth weighted round-robin: nginx's sequence, exact shares, interleaved, skips what is not eligible")
class SmoothWeightedRoundRobinTest {

    private static final Map<String, Integer> WEIGHTS = Map.of("a", 5, "b", 1, "c", 1, "x", 2, "y", 1);
    private static final ToIntFunction<String> WEIGHT = WEIGHTS::get;

    private static String picks(SmoothWeightedRoundRobin<String> wrr, int n, Set<String> down) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(wrr.next(s -> !down.contains(s)).orElse("-"));
        }
        return sb.toString();
    }

    @Test
    @DisplayName("weights 5,1,1 give a a b a c a a, cycle after cycle (nginx's example)")
    void nginxSequence() {
        var wrr = new SmoothWeightedRoundRobin<>(List.of("a", "b", "c"), WEIGHT);
        assertEquals("aabacaa".repeat(3), picks(wrr, 21, Set.of()));
    }

    @Test
    @DisplayName("weights 2:1 give exactly 2:1 in every 3 picks, the heavy one never more than twice in a row")
    void twoToOneInterleaved() {
        var wrr = new SmoothWeightedRoundRobin<>(List.of("x", "y"), WEIGHT);
        String seq = picks(wrr, 3000, Set.of());
        for (int i = 0; i < seq.length(); i += 3) {
            String cycle = seq.substring(i, i + 3);
            assertEquals(2, cycle.chars().filter(c -> c == 'x').count(), "cycle " + cycle + " at " + i);
        }
        assertTrue(!seq.contains("xxx"), "a run of three x");
        assertTrue(!seq.contains("yy"), "a run of two y");
    }

    @Test
    @DisplayName("an instance that is not eligible is skipped; the others share its turns by their weights")
    void skipsIneligible() {
        var wrr = new SmoothWeightedRoundRobin<>(List.of("a", "b", "c"), WEIGHT);
        String seq = picks(wrr, 600, Set.of("a"));
        assertEquals(300, seq.chars().filter(c -> c == 'b').count());
        assertEquals(300, seq.chars().filter(c -> c == 'c').count());
        assertEquals("-", picks(wrr, 1, Set.of("a", "b", "c")), "nothing eligible");
    }

    @Test
    @DisplayName("an instance coming back gets its share again at once, without a burst to catch up")
    void comesBackWithoutBurst() {
        var wrr = new SmoothWeightedRoundRobin<>(List.of("x", "y"), WEIGHT);
        picks(wrr, 100, Set.of("y")); // y down for a while
        String after = picks(wrr, 30, Set.of());
        assertEquals(20, after.chars().filter(c -> c == 'x').count(), after);
        assertTrue(!after.contains("yy"), after);
    }

    @Test
    @DisplayName("concurrent picks keep the exact shares")
    void concurrentPicks() throws InterruptedException {
        var wrr = new SmoothWeightedRoundRobin<>(List.of("x", "y"), WEIGHT);
        Map<String, Integer> counts = new HashMap<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 3000; i++) {
                    String s = wrr.next(x -> true).orElseThrow();
                    synchronized (counts) {
                        counts.merge(s, 1, Integer::sum);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(8000, counts.get("x"));
        assertEquals(4000, counts.get("y"));
    }

    @Test
    @DisplayName("a weight of zero or less is refused")
    void refusesNonPositiveWeight() {
        assertThrows(IllegalArgumentException.class,
                () -> new SmoothWeightedRoundRobin<>(List.of("a"), s -> 0));
        assertEquals(Set.of("a"), new HashSet<>(List.of(new SmoothWeightedRoundRobin<>(List.of("a"), s -> 1)
                .next(s -> true).orElseThrow())));
    }
}
