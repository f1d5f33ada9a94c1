package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;

/** Elementwise {@code a ⊙ b}; d/da = dy ⊙ b, d/db = dy ⊙ a. */
public final class Multiply {
    private Multiply() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Shapes.requireSameSize("Multiply", a, b);
        int n = (int) a.size();
        float[] as = a.data(), bs = b.data();
        float[] out = new float[n];
        Elementwise.mul(out, as, bs, n);
        Tensor y = Tensor.of(out, a.shape().dims());
        Tape.record(y, dy -> {
            float[] tmp = new float[n];
            if (a.requiresGrad()) {
                Elementwise.mul(tmp, dy, bs, n);
                Elementwise.addInPlace(a.gradBuffer(), tmp, n);
            }
            if (b.requiresGrad()) {
                Elementwise.mul(tmp, dy, as, n);
                Elementwise.addInPlace(b.gradBuffer(), tmp, n);
            }
        }, a, b);
        return y;
    }
}
