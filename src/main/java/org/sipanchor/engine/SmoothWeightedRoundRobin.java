package org.sipanchor.engine;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Smooth weighted round-robin, as nginx's upstream module does it: every pick, each eligible item's current weight
 * grows by its weight, the item with the largest current weight wins (the first in list order on a tie), and the
 * winner's current weight drops by the sum of the eligible weights.
 *
 * <p>Why this one: the shares match the weights exactly over every cycle of {@code sum(weights)} picks, and the picks
 * are interleaved rather than in bursts. Weights 5, 1, 1 give {@code a a b a c a a}; 2, 1 give {@code a b a} (so the
 * heavy item never comes more than twice in a row). An item that is not eligible (down, or already tried for this
 * call) is skipped without touching its current weight, so the others simply share its turns.
 *
 * <pre>{@code
 * var wrr = new SmoothWeightedRoundRobin<>(List.of(a, b), EngineInstance::weight);
 * Optional<EngineInstance> next = wrr.next(EngineInstance::isUp);
 * }</pre>
 *
 * <p>Thread-safe: a pick is a few additions under a lock.
 */
final class SmoothWeightedRoundRobin<T> {

    private final List<T> items;
    private final int[] weights;
    private final long[] current;

    SmoothWeightedRoundRobin(List<T> items, ToIntFunction<? super T> weight) {
        this.items = List.copyOf(items);
        this.weights = new int[this.items.size()];
        this.current = new long[this.items.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = weight.applyAsInt(this.items.get(i));
            if (weights[i] <= 0) {
                throw new IllegalArgumentException("weight of " + this.items.get(i) + " must be positive");
            }
        }
    }

    /** The next eligible item, or empty if none is. */
    synchronized Optional<T> next(Predicate<? super T> eligible) {
        int best = -1;
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!eligible.test(items.get(i))) {
                continue;
            }
            current[i] += weights[i];
            total += weights[i];
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        current[best] -= total;
        return Optional.of(items.get(best));
    }
}
