package greater.tensor.ops;

import greater.tensor.Tensor;

/** Shape checks shared by the ops; messages name the op and both shapes. */
final class Shapes {
    private Shapes() {
    }

    static void requireSameSize(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shape mismatch " + a.shape() + " vs " + b.shape());
        }
    }
}
