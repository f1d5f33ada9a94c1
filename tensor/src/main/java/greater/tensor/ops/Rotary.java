package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Rope;

/**
 * Rotary position embedding (Su et al. 2021) in HuggingFace's rotate-half layout on
 * x [T, heads·headDim]: each pair (i, i + headDim/2) of a head is rotated by position·invFreq[i].
 * A rotation is orthogonal, so the backward is the rotation by the opposite angle.
 */
public final class Rotary {
    private Rotary() {
    }

    public static Tensor apply(Tensor x, int heads, int headDim, int[] positions, float[] invFreq) {
        int rows = x.shape().rows();
        if (x.dim(-1) != heads * headDim || positions.length != rows) {
            throw new IllegalArgumentException("Rotary: x " + x.shape() + " for " + heads + "x" + headDim
                    + " and " + positions.length + " positions");
        }
        float[] out = x.data().clone();
        Rope.rope(out, rows, heads, headDim, positions, invFreq, false);
        Tensor y = Tensor.of(out, x.shape().dims());
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> {
            Rope.rope(dy, rows, heads, headDim, positions, invFreq, true); // dy is this op's own, dropped after
            dx.give(dy);
        }, x);
        return y;
    }
}
