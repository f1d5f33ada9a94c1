package greater.tensor.ops;

import greater.tensor.DType;
import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;
import greater.tensor.kernels.MatMul;

import java.lang.foreign.MemorySegment;

/**
 * {@code y = x·Wᵀ + b}, PyTorch's {@code nn.Linear} layout: x [M, K], W [N, K] (any stored dtype),
 * b [N] or null, y [M, N]. Leading dimensions of x are flattened into M.
 * Backward: dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy, each only when that input requires gradients,
 * so a frozen model never pays for a weight-gradient product.
 */
public final class Linear {
    private Linear() {
    }

    /** y [M, N] = x [M, K]·Wᵀ + b; throws IllegalArgumentException when W or b does not match x. */
    public static Tensor apply(Tensor x, Tensor w, Tensor bias) {
        check(x, w, bias);
        int m = x.shape().rows(), k = x.dim(-1), n = w.dim(0);
        float[] y = Tape.output(Math.multiplyExact(m, n), x, w, bias);
        MatMul.matmul(y, x.data(), m, k, w.segment(), w.dtype(), n);
        return finish(x, w, bias, y);
    }

    /**
     * {@code y_i [M, N_i] = x [M, K]·W_iᵀ + b_i} for several weights W_i [N_i, K] reading one x (q, k
     * and v of a hidden state; gate and up): the same outputs and gradients as {@link #apply(Tensor, Tensor, Tensor)} for
     * each, bit for bit, with x prepared once for all the products ({@link MatMul#matmul(float[][],
     * float[], int, int, MemorySegment[], DType[], int[])}). {@code biases} holds null entries for
     * weights without one.
     *
     * @throws IllegalArgumentException when a weight or bias does not match x, or the arrays differ in length
     */
    public static Tensor[] apply(Tensor x, Tensor[] ws, Tensor[] biases) {
        if (ws.length != biases.length) {
            throw new IllegalArgumentException("Linear: " + ws.length + " weights with " + biases.length + " biases");
        }
        int m = x.shape().rows(), k = x.dim(-1);
        float[][] ys = new float[ws.length][];
        MemorySegment[] segments = new MemorySegment[ws.length];
        DType[] types = new DType[ws.length];
        int[] ns = new int[ws.length];
        for (int i = 0; i < ws.length; i++) {
            check(x, ws[i], biases[i]);
            ns[i] = ws[i].dim(0);
            ys[i] = Tape.output(Math.multiplyExact(m, ns[i]), x, ws[i], biases[i]);
            segments[i] = ws[i].segment();
            types[i] = ws[i].dtype();
        }
        MatMul.matmul(ys, x.data(), m, k, segments, types, ns);
        Tensor[] outs = new Tensor[ws.length];
        for (int i = 0; i < ws.length; i++) outs[i] = finish(x, ws[i], biases[i], ys[i]);
        return outs;
    }

    private static void check(Tensor x, Tensor w, Tensor bias) {
        int k = x.dim(-1);
        if (w.rank() != 2 || w.dim(1) != k) {
            throw new IllegalArgumentException("Linear: x " + x.shape() + " does not match W " + w.shape());
        }
        if (bias != null && bias.size() != w.dim(0)) {
            throw new IllegalArgumentException("Linear: bias " + bias.shape() + " for W " + w.shape());
        }
    }

    /** Adds the bias to y = x·Wᵀ [m, n], wraps it in x's leading shape and records the backward. */
    private static Tensor finish(Tensor x, Tensor w, Tensor bias, float[] y) {
        int m = x.shape().rows(), k = x.dim(-1), n = w.dim(0);
        if (bias != null) Elementwise.addRowBias(y, m, n, bias.segment(), bias.dtype());
        int[] outDims = x.shape().dims();
        outDims[outDims.length - 1] = n;
        Tensor out = Tensor.of(y, outDims);
        GradSlot dx = Tape.gradOf(x), dw = Tape.gradOf(w), db = Tape.gradOf(bias);
        MemorySegment ws = w.segment();
        DType wType = w.dtype();
        float[] saved = dw != null ? x.data() : null; // the input only matters for a weight gradient
        Tape.record(out, dy -> {
            if (dx != null) {
                // the first gradient to reach x is written, not added (of q, k and v over one x: v's,
                // recorded last and so propagated first)
                boolean accumulate = !dx.isEmpty();
                MatMul.inputGrad(accumulate ? dx.buffer() : dx.bufferToOverwrite(), dy, m, n, ws, wType, k, accumulate);
            }
            if (dw != null) MatMul.accumulateWeightGrad(dw.buffer(), dy, saved, m, n, k);
            if (db != null) Elementwise.sumRows(db.buffer(), dy, m, n);
        }, x, w, bias);
        return out;
    }

    public static Tensor apply(Tensor x, Tensor w) {
        return apply(x, w, null);
    }
}
