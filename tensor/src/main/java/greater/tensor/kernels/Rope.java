// Rotary position embedding (Su et al. 2021), HuggingFace rotate-half layout.
//   rows = tokens, heads = heads in a row, headDim = features per head, half = headDim/2.
//   x [rows, heads*headDim]; positions [rows]; invFreq [half].
// Vector forms: RopeVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

/**
 * For each head, feature i < half pairs with i + half:
 * x1' = x1·cos θ − x2·sin θ, x2' = x2·cos θ + x1·sin θ, θ = float(pos)·invFreq[i] in float32
 * (as HF computes it), cos/sin of that float angle rounded to float. The angles are computed once
 * per row (scalar, to match HF bit for bit) and shared by its heads; the rotation is vectorised.
 * Both forms round identically (no fused multiply-add), so vector and scalar agree exactly.
 */
public final class Rope {
    private Rope() {
    }

    /** Rotates x in place; inverse rotates by −θ, which is the backward (the rotation is orthogonal). */
    public static void rope(float[] x, int rows, int heads, int headDim, int[] positions, float[] invFreq,
                            boolean inverse) {
        if (VectorApi.ENABLED) RopeVector.rope(x, rows, heads, headDim, positions, invFreq, inverse);
        else ropeScalar(x, rows, heads, headDim, positions, invFreq, inverse);
    }

    public static void ropeScalar(float[] x, int rows, int heads, int headDim, int[] positions, float[] invFreq,
                                  boolean inverse) {
        int half = headDim / 2;
        float[] cos = new float[half];
        float[] sin = new float[half];
        for (int r = 0; r < rows; r++) {
            angles(cos, sin, positions[r], invFreq, half, inverse);
            for (int h = 0; h < heads; h++) rotate(x, r * heads * headDim + h * headDim, half, cos, sin, 0);
        }
    }

    /** Rotates pairs (i, i + half) of the head at offset o for i in [from, half). */
    static void rotate(float[] x, int o, int half, float[] cos, float[] sin, int from) {
        for (int i = from; i < half; i++) {
            float x1 = x[o + i], x2 = x[o + i + half];
            x[o + i] = x1 * cos[i] - x2 * sin[i];
            x[o + i + half] = x2 * cos[i] + x1 * sin[i];
        }
    }

    /** cos/sin of θ_i = float(pos)·invFreq[i] (float32 product), negated sine for the inverse. */
    static void angles(float[] cos, float[] sin, int pos, float[] invFreq, int half, boolean inverse) {
        float p = pos;
        for (int i = 0; i < half; i++) {
            float theta = p * invFreq[i];
            cos[i] = (float) Math.cos(theta);
            float s = (float) Math.sin(theta);
            sin[i] = inverse ? -s : s;
        }
    }
}
