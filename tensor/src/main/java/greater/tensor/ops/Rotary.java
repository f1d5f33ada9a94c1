package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Rope;

/**
 * Rotary position embedding (Su et al. 2021) in HuggingFace's rotate-half layout on
 * x [T, heads·headDim]: each pair (i, i + R/2) of a head's first R = rotaryDim features is rotated
 * by position·invFreq[i] and multiplied by {@code scaling}; features R.. pass unchanged
 * (transformers' {@code apply_rotary_pos_emb} with partial rotary, e.g. Phi-3's
 * {@code partial_rotary_factor}, and cos/sin · attention_scaling, e.g. LongRoPE). A rotation is
 * orthogonal, so the backward is the rotation by the opposite angle (times the same scaling).
 */
public final class Rotary {
    private Rotary() {
    }

    /**
     * @param rotaryDim R ≤ headDim, even: the rotated features at the start of each head
     * @param angles    cos/sin of each row's angles [T, R/2], computed once per forward ({@link Rope.Angles#of})
     * @param scaling   multiplier of cos and sin (1 = plain rotation)
     * @throws IllegalArgumentException when x, R and the angles do not match
     */
    public static Tensor apply(Tensor x, int heads, int headDim, int rotaryDim, Rope.Angles angles, float scaling) {
        int rows = x.shape().rows();
        if (x.dim(-1) != heads * headDim || angles.rows() != rows || rotaryDim > headDim || rotaryDim % 2 != 0
                || angles.half() != rotaryDim / 2) {
            throw new IllegalArgumentException("Rotary: x " + x.shape() + " for " + heads + "x" + headDim + " (rotary " + rotaryDim
                    + ") and angles of " + angles.rows() + " rows x " + angles.half());
        }
        float[] out = Tape.output((int) x.size(), x);
        System.arraycopy(x.data(), 0, out, 0, out.length);
        rotate(out, rows, heads, headDim, rotaryDim, angles, scaling, false);
        Tensor y = Tensor.of(out, x.shape().dims());
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> {
            rotate(dy, rows, heads, headDim, rotaryDim, angles, scaling, true); // dy is this op's own, dropped after
            dx.give(dy);
        }, x);
        return y;
    }

    /**
     * In place. With R = headDim the kernel runs on x directly; otherwise the rotated features of
     * every head are gathered into a [T, heads·R] buffer for the same kernel and scattered back.
     */
    private static void rotate(float[] x, int rows, int heads, int headDim, int rotaryDim, Rope.Angles angles,
                               float scaling, boolean inverse) {
        if (rotaryDim == headDim) {
            Rope.rope(x, heads, headDim, angles, inverse);
            if (scaling != 1f) for (int i = 0; i < x.length; i++) x[i] *= scaling;
            return;
        }
        int n = rows * heads;
        float[] part = new float[n * rotaryDim];
        for (int r = 0; r < n; r++) System.arraycopy(x, r * headDim, part, r * rotaryDim, rotaryDim);
        Rope.rope(part, heads, rotaryDim, angles, inverse);
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < rotaryDim; i++) x[r * headDim + i] = part[r * rotaryDim + i] * scaling;
        }
    }
}
