package greater.tensor.autograd;

import greater.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Region-based reuse of a forward pass's activations when no tape records them (inference:
 * prefill, decoding, scoring). While an arena is open on a thread and no tape is recording there,
 * {@link Tape#output} takes op outputs of at least {@link Tape#POOLED_MIN} floats from the thread's
 * arena pool, and {@link #release} gives back, at once, everything taken since the last release
 * except the tensors the caller keeps. The pool is the arenas' own, not the tapes' (an inference
 * pass between two gradient passes leaves the tape's arrays alone), and after each arena it keeps
 * only the lengths that arena took: GReaTer's passes change length all the time, and a pool keeping
 * every length it ever saw would grow by a layer's arrays per new length ({@link ArrayPool}, softly
 * held as the tapes'). A transformer layer is such a region: after it only the residual stream is
 * still needed, so a 30-layer forward cycles one layer's arrays (a few MB, which stay in cache)
 * instead of allocating some 360 MB a pass at 256 tokens of SmolLM2-135M, which the JVM zeroes on
 * the calling thread while the other kernel threads wait, and a young collection clears again
 * (benchmarks/README.md, "Issue 16, ninth pass").
 * <pre>
 *   try (ActivationArena arena = ActivationArena.open()) {
 *       for (...) { x = layer(x); arena.release(x); }
 *       return finalNorm(x);       // taken after the last release: never recycled
 *   }
 * </pre>
 * The rule that comes with it: <b>an op output taken in an arena is valid until the end of the
 * first {@link #release} that does not keep it</b>; what was taken after the last release (the
 * pass's result) is left alone by {@link #close}. Arrays come back with old contents, so ops that
 * take them write every element, as {@link Tape#output} already requires.
 * <p>Open while a tape records, or inside another arena, an arena is inert: its release and
 * close do nothing and op outputs come from where they would without it (a tape's outputs must
 * live until the tape closes; the outer arena's regions govern). Not thread-safe: one per thread.
 */
public final class ActivationArena implements AutoCloseable {
    private static final ThreadLocal<ActivationArena> CURRENT = new ThreadLocal<>();
    /** Each thread's free arrays by length between arenas: the lengths its last arena took. */
    private static final ArrayPool POOL = new ArrayPool();

    /** Free arrays by length: the thread's pool while this arena is open; null when inert. */
    private final Map<Integer, ArrayDeque<float[]>> pool;
    /** Arrays taken since the last release (and the ones it kept), in the order taken. */
    private final List<float[]> taken = new ArrayList<>();
    /** Every length this arena took. */
    private final Set<Integer> lengths = new HashSet<>();
    private boolean closed;

    private ActivationArena(Map<Integer, ArrayDeque<float[]>> pool) {
        this.pool = pool;
    }

    /** Opens an arena on this thread; an inert one when a tape is recording or an arena is already open. */
    public static ActivationArena open() {
        if (Tape.recording() || CURRENT.get() != null) return new ActivationArena(null);
        ActivationArena arena = new ActivationArena(POOL.take());
        CURRENT.set(arena);
        return arena;
    }

    /** An array of {@code size} floats (old contents) from the open arena, or null when none is open or a tape records. */
    static float[] take(int size) {
        ActivationArena arena = CURRENT.get();
        if (arena == null || Tape.recording()) return null;
        ArrayDeque<float[]> q = arena.pool.get(size);
        float[] a = q == null ? null : q.poll();
        if (a == null) a = new float[size];
        arena.taken.add(a);
        arena.lengths.add(size);
        return a;
    }

    /**
     * Ends a region: every array taken since the last release goes back to the pool, except the
     * storage of {@code keep} (which stays taken, into the next region). The caller guarantees that
     * nothing else taken since then is still in use.
     */
    public void release(Tensor... keep) {
        if (pool == null || closed) return;
        List<float[]> kept = new ArrayList<>(keep.length);
        for (float[] a : taken) {
            if (isKept(a, keep)) kept.add(a);
            else pool.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
        }
        taken.clear();
        taken.addAll(kept);
    }

    private static boolean isKept(float[] a, Tensor[] keep) {
        for (Tensor t : keep) if (t != null && t.isOwned() && t.data() == a) return true;
        return false;
    }

    /**
     * Closes the arena: the pool, cut to the lengths this arena took, goes back to the thread for
     * its next arena; arrays taken since the last release are not pooled, since the pass's result
     * may live in them. A second call does nothing.
     */
    @Override
    public void close() {
        if (pool == null || closed) return;
        closed = true;
        taken.clear();
        pool.keySet().retainAll(lengths);
        CURRENT.remove();
        POOL.hold(pool);
    }

    /** The arrays in this thread's arena pool between arenas (none once collected). */
    static List<float[]> pooled() {
        return POOL.arrays();
    }
}
