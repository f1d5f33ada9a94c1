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

    public static Tensor apply(Tensor x, Tensor w, Tensor bias) {
        int k = x.dim(-1);
        int n = w.dim(0);
        if (w.rank() != 2 || w.dim(1) != k) {
            throw new IllegalArgumentException("Linear: x " + x.shape() + " does not match W " + w.shape());
        }
        if (bias != null && bias.size() != n) {
            throw new IllegalArgumentException("Linear: bias " + bias.shape() + " for W " + w.shape());
        }
        int m = x.shape().rows();
        float[] xs = x.data();
        float[] y = Tape.output(Math.multiplyExact(m, n), x, w, bias);
        MatMul.matmul(y, xs, m, k, w.segment(), w.dtype(), n);
        if (bias != null) Elementwise.addRowBias(y, m, n, bias.segment(), bias.dtype());
        int[] outDims = x.shape().dims();
        outDims[outDims.length - 1] = n;
        Tensor out = Tensor.of(y, outDims);
        GradSlot dx = Tape.gradOf(x), dw = Tape.gradOf(w), db = Tape.gradOf(bias);
        MemorySegment ws = w.segment();
        DType wType = w.dtype();
        float[] saved = dw != null ? xs : null; // the input only matters for a weight gradient
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
