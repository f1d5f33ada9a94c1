package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
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
        GradSlot da = Tape.gradOf(a), db = Tape.gradOf(b);
        Tape.record(y, dy -> {
            float[] tmp = new float[n];
            if (da != null) {
                Elementwise.mul(tmp, dy, bs, n);
                Elementwise.addInPlace(da.buffer(), tmp, n);
            }
            if (db != null) {
                Elementwise.mul(tmp, dy, as, n);
                Elementwise.addInPlace(db.buffer(), tmp, n);
            }
        }, a, b);
        return y;
    }
}
