package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;

/** {@code a + b} for tensors of one shape (the residual connection); d/da = d/db = dy. */
public final class Add {
    private Add() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Shapes.requireSameSize("Add", a, b);
        int n = (int) a.size();
        float[] out = new float[n];
        Elementwise.add(out, a.data(), b.data(), n);
        Tensor y = Tensor.of(out, a.shape().dims());
        Tape.record(y, dy -> {
            if (a.requiresGrad()) Elementwise.addInPlace(a.gradBuffer(), dy, n);
            if (b.requiresGrad()) Elementwise.addInPlace(b.gradBuffer(), dy, n);
        }, a, b);
        return y;
    }
}
