package greater.tensor.ops;

import greater.tensor.DType;
import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Norms;

import java.lang.foreign.MemorySegment;

/**
 * Root-mean-square norm over the last dimension (Zhang and Sennrich 2019):
 * {@code y = x / sqrt(mean(x²) + eps) · g}, with {@code g = w} (Llama) or {@code g = 1 + w}
 * (Gemma's convention, {@code addOne}). Forward saves the per-row 1/rms for backward.
 */
public final class RmsNorm {
    private RmsNorm() {
    }

    public static Tensor apply(Tensor x, Tensor w, float eps, boolean addOne) {
        int dim = x.dim(-1);
        if (w.size() != dim) throw new IllegalArgumentException("RmsNorm: x " + x.shape() + " with weight " + w.shape());
        int rows = x.shape().rows();
        float[] xs = x.data();
        float[] out = Tape.output(xs.length, x, w);
        boolean grad = Tape.needsGrad(x, w);
        float[] rstd = grad ? new float[rows] : null;
        Norms.rmsNorm(out, xs, rows, dim, w.segment(), w.dtype(), eps, addOne, rstd);
        Tensor y = Tensor.of(out, x.shape().dims());
        GradSlot dx = Tape.gradOf(x), dw = Tape.gradOf(w);
        MemorySegment ws = w.segment();
        DType wType = w.dtype();
        Tape.record(y, dy -> Norms.rmsNormBackward(dx != null ? dx.buffer() : new float[xs.length], dy, xs, rstd, rows,
                dim, ws, wType, addOne, dw != null ? dw.buffer() : null), x, w);
        return y;
    }
}
