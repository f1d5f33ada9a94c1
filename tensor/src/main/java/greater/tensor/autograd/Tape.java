package greater.tensor.autograd;

import greater.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Reverse-mode autodiff as a tape: while a tape is recording on this thread, every op whose
 * inputs reach a tensor that requires gradients appends one {@link Node} (its output's gradient
 * slot and its backward). Execution order is a topological order, so {@link #backward} is a plain
 * loop over the tape in reverse: no recursion, no graph search, and ops that touch only frozen
 * tensors are never recorded at all. That is exactly the prompt-gradient case: with frozen weights
 * and {@code inputs_embeds} requiring gradients, only input gradients are ever computed.
 *
 * <pre>
 *   try (Tape tape = Tape.record()) {
 *       Tensor loss = ...ops on x (x.requiresGrad(true))...;
 *       tape.backward(loss);          // x.grad() now holds dloss/dx
 *   }
 * </pre>
 * Gradients accumulate ({@code +=}), so a tensor used twice gets both contributions.
 * <p>Memory: a node keeps its output's {@link GradSlot} and its backward closure, and an op's
 * closure captures its inputs' slots ({@link #gradOf}) plus exactly the arrays its backward reads
 * (e.g. RmsNorm its input and 1/rms, a Linear with a frozen weight nothing). The storage of a
 * recorded op's output of at least {@link #POOLED_MIN} floats comes from {@link #output}: an array
 * of this thread's pool, lent until the tape closes, so every such output stays alive until then,
 * whether a backward reads it or not (SmolLM2-135M: about 10k floats per token and layer instead of
 * the 5k the closures read). During backward an intermediate gradient goes back to the tape once
 * its op has propagated it, and the next slot of that length takes it (zeroed, or as it is for a
 * closure that writes it whole: {@link GradSlot#bufferToOverwrite}) instead of a new array: a
 * transformer's backward needs a handful of distinct [T, H] and [T, I] buffers at a time, not one
 * per op. Closing gives every lent and freed array to the pool, so the next pass of the same
 * shapes (every round of a benchmark, every pass over a batch of the same length) allocates none of
 * its op outputs and intermediate gradients: no zeroing by the JVM while the other kernel thread
 * waits, and no young collection copying the saved activations of a pass in flight (at 256 tokens
 * of SmolLM2-135M about 300 MB a pass). The rule that comes with it: <b>a recorded tensor is valid
 * until its tape closes</b>; a caller that returns one past the tape returns a copy. The pool keeps
 * what the last tape used, nothing older, and only softly: a thread holds at most one pass's arrays
 * between tapes, and not when the heap needs the room.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();

    /** One recorded op: where its output's gradient accumulates and how to send it to its inputs. */
    private record Node(GradSlot output, Backward backward) {
    }

    /** Arrays shorter than this are not worth pooling: a thread-local allocation costs less than the bookkeeping. */
    static final int POOLED_MIN = 1024;
    /**
     * Each thread's arrays between tapes, by length: the ones its last tape used (gigabytes for a 1B
     * model over a thousand tokens, so softly held).
     */
    private static final ArrayPool POOL = new ArrayPool();

    private final List<Node> nodes = new ArrayList<>();
    /** The thread's pool as this tape found it: taken from when {@link #free} has no array of a length. */
    private final Map<Integer, ArrayDeque<float[]>> earlier;
    /** Arrays this tape is done with (propagated gradients, given-back scratch), by length; the pool after close. */
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Outputs of recorded ops, lent from the pool until close, in the order lent. */
    private final List<float[]> lent = new ArrayList<>();
    /** Arrays a slot adopted ({@link GradSlot#give}) while the current node propagated: not free. */
    private final List<float[]> adoptedNow = new ArrayList<>();
    /** Slots of the tensors this tape has seen; weak keys, so a slot never keeps its tensor's data alive. */
    private final Map<Tensor, GradSlot> slots = new WeakHashMap<>();
    private final Tape outer;
    private boolean closed;

    private Tape(Tape outer, Map<Integer, ArrayDeque<float[]>> earlier) {
        this.outer = outer;
        this.earlier = earlier;
    }

    /** Whether a tape is recording on this thread. */
    static boolean recording() {
        return CURRENT.get() != null;
    }

    /** Starts recording on this thread (nested tapes shadow the outer one until closed). */
    public static Tape record() {
        // the tape owns the pool's arrays now: a nested tape starts from none
        Tape tape = new Tape(CURRENT.get(), POOL.take());
        CURRENT.set(tape);
        return tape;
    }

    /**
     * Storage for the output of an op over {@code inputs}: when a tape is recording, an input
     * requires gradients (so the op will be recorded) and {@code size} is at least
     * {@link #POOLED_MIN}, an array of {@code size} floats with any contents, lent by the tape until
     * it closes (from the pool; on a miss as many floats of the previous pass's arrays are dropped, so
     * a pass of other shapes never holds two passes' arrays); with no tape but an open
     * {@link ActivationArena}, and at least {@link #POOLED_MIN} floats, one of the arena's (old
     * contents); otherwise a new (zeroed) array. The op must write every element.
     */
    public static float[] output(int size, Tensor... inputs) {
        Tape tape = CURRENT.get();
        if (size < POOLED_MIN) return new float[size];
        if (tape == null) {
            float[] a = ActivationArena.take(size);
            return a != null ? a : new float[size];
        }
        if (!needsGrad(inputs)) return new float[size];
        float[] a = tape.reused(size);
        if (a == null) a = new float[size];
        tape.lent.add(a);
        return a;
    }

    /**
     * The slot where backward accumulates the gradient of {@code t}, or null when no tape is
     * recording or {@code t} does not require gradients (then its gradient is not wanted). Ops call
     * it while building their backward, before {@link #record}.
     */
    public static GradSlot gradOf(Tensor t) {
        if (t == null || !t.requiresGrad()) return null;
        Tape tape = CURRENT.get();
        return tape == null ? null : tape.slotOf(t);
    }

    private GradSlot slotOf(Tensor t) {
        GradSlot s = slots.get(t);
        if (s == null) {
            s = GradSlot.leaf(t); // not an output of this tape: a leaf, whose gradient the caller reads
            slots.put(t, s);
        }
        return s;
    }

    /**
     * Called by every op after computing {@code output}: if a tape is recording and some input
     * requires gradients, marks the output as requiring gradients and records {@code backward}.
     */
    public static void record(Tensor output, Backward backward, Tensor... inputs) {
        Tape tape = CURRENT.get();
        if (tape == null) return;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                output.requiresGrad(true);
                GradSlot slot = GradSlot.of(tape, Math.toIntExact(output.size()));
                tape.slots.put(output, slot);
                tape.nodes.add(new Node(slot, backward));
                return;
            }
        }
    }

    /** True when an op with these inputs would be recorded (ops use it to skip saving activations). */
    public static boolean needsGrad(Tensor... inputs) {
        if (CURRENT.get() == null) return false;
        for (Tensor in : inputs) if (in != null && in.requiresGrad()) return true;
        return false;
    }

    /**
     * Backpropagates from {@code loss}, seeding d(loss)/d(loss) = 1 for every element (a scalar
     * loss in practice), then drops the recorded nodes (their closures and what they saved); the
     * outputs the tape lent stay valid until {@link #close}. Leaves that require gradients keep
     * their gradients.
     */
    public void backward(Tensor loss) {
        GradSlot seed = loss.requiresGrad() ? slotOf(loss) : GradSlot.leaf(loss);
        Arrays.fill(seed.buffer(), 1f);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            float[] g = node.output.peek();
            if (g != null) node.backward.propagate(g);
            float[] done = node.output.release(); // intermediate gradient no longer needed here
            if (done != null && !handedOver(done)) putBack(done);
            adoptedNow.clear();
            nodes.set(i, null);     // release the closure and the activations it saved
        }
        nodes.clear();
        slots.clear();
    }

    /**
     * Scratch for a backward closure: an array of {@code size} floats with any contents, one that a
     * closure of the backward running on this thread gave back if there is one (cross-entropy's
     * [rows, V] gradient, when no slot adopts it), else one of the pool's, else a new one.
     */
    public static float[] borrow(int size) {
        Tape tape = CURRENT.get();
        float[] a = tape == null ? null : tape.reused(size);
        return a != null ? a : new float[size];
    }

    /** Gives a {@link #borrow}ed array back for the next closure (the caller must not use it afterwards). */
    public static void giveBack(float[] a) {
        Tape tape = CURRENT.get();
        if (tape != null) tape.putBack(a);
    }

    /** Floats this tape holds: the outputs it lent, the arrays it freed and what is left of the earlier pool. */
    long floats() {
        long n = 0;
        for (float[] a : lent) n += a.length;
        for (Map<Integer, ArrayDeque<float[]>> m : List.of(free, earlier)) {
            for (ArrayDeque<float[]> q : m.values()) for (float[] a : q) n += a.length;
        }
        return n;
    }

    /** The arrays in this thread's pool between tapes (what the last tape left; none once collected). */
    static List<float[]> pooled() {
        return POOL.arrays();
    }

    /** A zeroed array of {@code size} floats: a propagated gradient of that length, else one of the pool's, else a new one. */
    float[] zeroed(int size) {
        float[] a = reused(size);
        if (a == null) return new float[size];
        Arrays.fill(a, 0f);
        return a;
    }

    /** {@link #zeroed} without the zeroing: an array of {@code size} floats with any contents. */
    float[] uninitialized(int size) {
        float[] a = reused(size);
        return a != null ? a : new float[size];
    }

    /**
     * A free array of exactly {@code size} floats (old contents), or null when there is none: one
     * this tape is done with first (most recently used, likeliest in cache), else one of the pool's.
     */
    private float[] reused(int size) {
        ArrayDeque<float[]> q = free.get(size);
        float[] a = q == null ? null : q.poll();
        if (a != null) return a;
        q = earlier.get(size);
        a = q == null ? null : q.poll();
        if (a == null && size >= POOLED_MIN) shed(size);
        return a;
    }

    /**
     * Drops arrays of the earlier pool, the least recently touched of each length first, until
     * {@code floats} floats are gone (one array more at most): this pass's shapes are not the last
     * one's (GReaTer's batches change length every step), so as much of the old pool goes as is
     * allocated anew, and a thread never holds two passes' arrays at once.
     */
    private void shed(long floats) {
        var queues = earlier.values().iterator();
        while (floats > 0 && queues.hasNext()) {
            ArrayDeque<float[]> q = queues.next();
            while (floats > 0 && !q.isEmpty()) floats -= q.pollLast().length;
            if (q.isEmpty()) queues.remove();
        }
    }

    private void putBack(float[] a) {
        if (a.length >= POOLED_MIN) free.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
    }

    /** Notes that a slot took {@code g} as its buffer while the current node propagates. */
    void adopted(float[] g) {
        adoptedNow.add(g);
    }

    private boolean handedOver(float[] g) {
        for (float[] a : adoptedNow) if (a == g) return true;
        return false;
    }

    /**
     * Stops recording. The tensors recorded on this tape are invalid from now on: every array the
     * tape lent or freed becomes the thread's pool for the next tape (arrays of the earlier pool
     * this tape did not take are dropped). A second call does nothing.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        nodes.clear();
        slots.clear();
        // below the freed gradients, first lent on top: the next pass takes the arrays its last
        // backward touched most recently first (the gradients, then the first layers' activations)
        for (float[] a : lent) free.computeIfAbsent(a.length, n -> new ArrayDeque<>()).addLast(a);
        lent.clear();
        POOL.hold(free);
        if (CURRENT.get() == this) {
            if (outer != null) CURRENT.set(outer);
            else CURRENT.remove();
        }
    }
}
