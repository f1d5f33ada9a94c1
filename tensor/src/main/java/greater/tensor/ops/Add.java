package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;

/** {@code a + b} for tensors of one shape (the residual connection); d/da = d/db = dy. */
public final class Add {
    private Add() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Shapes.requireSameSize("Add", a, b);
        int n = (int) a.size();
        float[] out = Tape.output(n, a, b);
        Elementwise.add(out, a.data(), b.data(), n);
        Tensor y = Tensor.of(out, a.shape().dims());
        GradSlot da = Tape.gradOf(a), db = Tape.gradOf(b);
        Tape.record(y, dy -> {
            // dy is this op's output gradient, dropped after this backward: one input may adopt it
            if (db != null) Elementwise.addInPlace(db.buffer(), dy, n);
            if (da != null) da.give(dy);
        }, a, b);
        return y;
    }
}
