package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;

/** {@code s · x} for a constant s (e.g. Gemma's embedding scale, a loss weight, 1/temperature). */
public final class Scale {
    private Scale() {
    }

    public static Tensor apply(Tensor x, float s) {
        int n = (int) x.size();
        float[] out = Tape.output(n, x);
        Elementwise.scale(out, x.data(), s, n);
        Tensor y = Tensor.of(out, x.shape().dims());
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> Elementwise.axpy(dx.buffer(), s, dy, n), x);
        return y;
    }
}
