package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;
import greater.tensor.kernels.MatMul;

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
        float[] y = new float[Math.multiplyExact(m, n)];
        MatMul.matmul(y, xs, m, k, w.segment(), w.dtype(), n);
        if (bias != null) Elementwise.addRowBias(y, m, n, bias.segment(), bias.dtype());
        int[] outDims = x.shape().dims();
        outDims[outDims.length - 1] = n;
        Tensor out = Tensor.of(y, outDims);
        Tape.record(out, dy -> {
            if (x.requiresGrad()) MatMul.accumulateInputGrad(x.gradBuffer(), dy, m, n, w.segment(), w.dtype(), k);
            if (w.requiresGrad()) MatMul.accumulateWeightGrad(w.gradBuffer(), dy, xs, m, n, k);
            if (bias != null && bias.requiresGrad()) Elementwise.sumRows(bias.gradBuffer(), dy, m, n);
        }, x, w, bias);
        return out;
    }

    public static Tensor apply(Tensor x, Tensor w) {
        return apply(x, w, null);
    }
}
