package greater.tensor.autograd;

import greater.tensor.Tensor;

/**
 * Where the gradient of one tensor accumulates during backward. A backward closure captures the
 * slots of its inputs instead of the input tensors, so an input's data stays reachable only when
 * the backward really reads it (llm.c style: the tape saves exactly what backward needs).
 * <ul>
 *   <li>a leaf (a tensor the caller marked {@code requiresGrad}) accumulates into the tensor's own
 *       {@link Tensor#gradBuffer()}, where the caller reads it after backward;</li>
 *   <li>an op's output has a buffer of its own, taken when the first gradient reaches it and
 *       handed back to its tape as soon as its op has propagated it, for the next op's gradient
 *       of that length ({@link Tape#backward}).</li>
 * </ul>
 */
public final class GradSlot {
    private final Tensor leaf;
    private final Tape tape;
    private final int size;
    private float[] buffer;

    private GradSlot(Tensor leaf, Tape tape, int size) {
        this.leaf = leaf;
        this.tape = tape;
        this.size = size;
    }

    static GradSlot leaf(Tensor t) {
        return new GradSlot(t, null, 0);
    }

    static GradSlot of(Tape tape, int size) {
        return new GradSlot(null, tape, size);
    }

    /** The gradient buffer (zeroed when new); backward closures accumulate ({@code +=}) into it. */
    public float[] buffer() {
        if (leaf != null) return leaf.gradBuffer();
        if (buffer == null) buffer = tape.zeroed(size);
        return buffer;
    }

    /**
     * True when this is an op's output that no gradient has reached yet, so a closure that writes
     * every element may take {@link #bufferToOverwrite} instead of a zeroed {@link #buffer} to add
     * into (a leaf is never empty: its gradient may hold an earlier pass's).
     */
    public boolean isEmpty() {
        return leaf == null && buffer == null;
    }

    /**
     * This slot's gradient buffer with any contents, for a closure that writes every element of it:
     * no zeroing, and the closure's kernel does not read it back. Later contributions add to what
     * it wrote.
     *
     * @throws IllegalStateException unless {@link #isEmpty}
     */
    public float[] bufferToOverwrite() {
        if (!isEmpty()) throw new IllegalStateException("a gradient already reached this tensor: add to buffer()");
        buffer = tape.uninitialized(size);
        return buffer;
    }

    /**
     * Adds {@code g} to this gradient. {@code g} is handed over: a fresh intermediate slot adopts
     * the array itself instead of allocating and adding, so the caller must not use it afterwards
     * (an op passes its own output's gradient, which the tape drops after the op's backward, or a
     * temporary of its own). Returns true when the slot took the array, false when it added it (a
     * leaf, or a gradient that had arrived before): the array is then the caller's again.
     */
    public boolean give(float[] g) {
        if (leaf == null && buffer == null && g.length == size) {
            buffer = g;
            tape.adopted(g);
            return true;
        }
        float[] b = buffer();
        for (int i = 0; i < g.length; i++) b[i] += g[i];
        return false;
    }

    /** The gradient so far, or null if none has reached this tensor. */
    float[] peek() {
        return leaf != null ? leaf.grad() : buffer;
    }

    /**
     * Drops an intermediate gradient once it has been propagated (a leaf keeps its own) and
     * returns it, or null when there was none.
     */
    float[] release() {
        float[] b = buffer;
        buffer = null;
        return b;
    }
}
