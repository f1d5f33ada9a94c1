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
 * <p>Memory: the tape holds no tensor. A node keeps its output's {@link GradSlot} and its backward
 * closure, and an op's closure captures its inputs' slots ({@link #gradOf}) plus exactly the arrays
 * its backward reads (e.g. RmsNorm its input and 1/rms, a Linear with a frozen weight nothing), so
 * every other activation is garbage as soon as the forward has moved past it. During backward an
 * intermediate gradient goes back to the tape once its op has propagated it, and the next slot of
 * that length takes it (zeroed) instead of a new array: a transformer's backward needs a handful of
 * distinct [T, H] and [T, I] buffers at a time, not one per op (at 256 tokens of SmolLM2-135M about
 * 300 MB of new arrays a pass by the shapes, each zeroed by the JVM while the other kernel thread
 * waits, and collected by G1). After backward, every intermediate gradient and every saved activation is
 * released.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();

    /** One recorded op: where its output's gradient accumulates and how to send it to its inputs. */
    private record Node(GradSlot output, Backward backward) {
    }

    private final List<Node> nodes = new ArrayList<>();
    /** Intermediate gradients already propagated, by length, for the next slots of that length. */
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays a slot adopted ({@link GradSlot#give}) while the current node propagated: not free. */
    private final List<float[]> adoptedNow = new ArrayList<>();
    /** Slots of the tensors this tape has seen; weak keys, so a slot never keeps its tensor's data alive. */
    private final Map<Tensor, GradSlot> slots = new WeakHashMap<>();
    private final Tape outer;

    private Tape(Tape outer) {
        this.outer = outer;
    }

    /** Starts recording on this thread (nested tapes shadow the outer one until closed). */
    public static Tape record() {
        Tape tape = new Tape(CURRENT.get());
        CURRENT.set(tape);
        return tape;
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
     * loss in practice), then releases the tape. Leaves that require gradients keep theirs.
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
        free.clear();
    }

    /**
     * Scratch for a backward closure: an array of {@code size} floats with any contents, one that a
     * closure of the backward running on this thread gave back if there is one (each layer's
     * attention backward needs the same [heads, T, S] buffers), else a new one.
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

    /** A zeroed array of {@code size} floats: a propagated gradient of that length if there is one. */
    float[] zeroed(int size) {
        float[] a = reused(size);
        if (a == null) return new float[size];
        Arrays.fill(a, 0f);
        return a;
    }

    /** A free array of exactly {@code size} floats (old contents), or null when there is none. */
    private float[] reused(int size) {
        ArrayDeque<float[]> q = free.get(size);
        return q == null ? null : q.poll();
    }

    private void putBack(float[] a) {
        free.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
    }

    /** Notes that a slot took {@code g} as its buffer while the current node propagates. */
    void adopted(float[] g) {
        adoptedNow.add(g);
    }

    private boolean handedOver(float[] g) {
        for (float[] a : adoptedNow) if (a == g) return true;
        return false;
    }

    @Override
    public void close() {
        nodes.clear();
        slots.clear();
        free.clear();
        if (CURRENT.get() == this) {
            if (outer != null) CURRENT.set(outer);
            else CURRENT.remove();
        }
    }
}
