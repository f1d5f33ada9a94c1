package greater.transformer.infer;

import greater.transformer.model.KvCache;

import java.util.function.Function;

/**
 * One sequence for {@link Generator#generate(java.util.List)}: where its keys and values live, its
 * first {@link Stage}, and what follows each finished stage ({@code next} returns the next stage,
 * or null when the sequence is done).
 * <ul>
 *   <li>{@link #fromPrefix}: a cache of {@code capacity} positions is allocated when the sequence
 *       joins the batch, filled with a copy of the shared {@code prefix} (computed once by the
 *       caller; null for none), and dropped when it leaves;</li>
 *   <li>{@link #inCache}: work in the caller's cache, which is left holding everything fed.</li>
 * </ul>
 * The capacity must cover the prefix, every stage's input and its new tokens.
 */
public record Request(KvCache cache, KvCache prefix, int capacity, Stage first, Function<StageResult, Stage> next) {
    public Request {
        if (cache == null && capacity < 1) throw new IllegalArgumentException("a request needs a cache or a capacity >= 1, got " + capacity);
        if (prefix != null && prefix.length() > capacity) {
            throw new IllegalArgumentException("prefix of " + prefix.length() + " positions exceeds the capacity " + capacity);
        }
        if (next == null) next = done -> null;
    }

    /** A sequence in a fresh cache of {@code capacity} positions starting with a copy of {@code prefix} (may be null). */
    public static Request fromPrefix(KvCache prefix, int capacity, Stage first, Function<StageResult, Stage> next) {
        return new Request(null, prefix, capacity, first, next);
    }

    /** A sequence continuing the caller's {@code cache} in place. */
    public static Request inCache(KvCache cache, Stage first, Function<StageResult, Stage> next) {
        return new Request(cache, null, cache.capacity(), first, next);
    }

    /** Positions this sequence holds while in the batch (what the token budget counts). */
    int positions() {
        return cache != null ? cache.capacity() : capacity;
    }
}
