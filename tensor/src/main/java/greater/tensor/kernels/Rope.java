// Rotary position embedding (Su et al. 2021), HuggingFace rotate-half layout.
//   rows = tokens, heads = heads in a row, headDim = features per head, half = headDim/2.
//   x [rows, heads*headDim]; positions [rows]; invFreq [half]; cos, sin [rows, half].
// Vector forms: RopeVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

import java.util.Arrays;

/**
 * For each head, feature i < half pairs with i + half:
 * x1' = x1·cos θ − x2·sin θ, x2' = x2·cos θ + x1·sin θ, θ = float(pos)·invFreq[i] in float32
 * (as HF computes it), cos/sin of that float angle rounded to float. The angles of a forward pass
 * ({@link Angles}) are computed once (scalar, to match HF bit for bit) and shared by every head
 * and every layer with the same frequencies, for q and k and for the backward; the rotation is
 * vectorised. Both forms round identically (no fused multiply-add), so vector and scalar agree
 * exactly.
 */
public final class Rope {
    private Rope() {
    }

    /**
     * cos θ and sin θ [rows, half] of each row's position: what a forward pass computes once and
     * every rotation of q and k (and their backward) reads. transformers computes the same table
     * once per forward too ({@code LlamaRotaryEmbedding.forward} in modeling_llama.py).
     */
    public record Angles(float[] cos, float[] sin, int rows, int half) {
        public Angles {
            if (cos.length != rows * half || sin.length != rows * half) {
                throw new IllegalArgumentException("angles of " + rows + " rows x " + half + " need " + rows * half
                        + " values, got " + cos.length + " and " + sin.length);
            }
        }

        /** The angles of {@code positions} [rows] with frequencies {@code invFreq} [half]. */
        public static Angles of(int[] positions, float[] invFreq) {
            return of(positions, new float[][]{invFreq}, new int[]{positions.length});
        }

        /**
         * The angles of {@code positions} [rows] whose rows come in consecutive runs of
         * {@code lengths[s]}, run s with its own frequencies {@code invFreq[s]} (packed sequences
         * of a RoPE whose frequencies depend on the sequence's length: dynamic, longrope).
         *
         * @throws IllegalArgumentException when the runs do not cover the rows or the frequency arrays differ in length
         */
        public static Angles of(int[] positions, float[][] invFreq, int[] lengths) {
            int half = invFreq[0].length, rows = positions.length;
            if (invFreq.length != lengths.length || Arrays.stream(lengths).anyMatch(l -> l < 0) || Arrays.stream(lengths).sum() != rows
                    || Arrays.stream(invFreq).anyMatch(f -> f.length != half)) {
                throw new IllegalArgumentException("rope: runs of " + Arrays.toString(lengths) + " rows with "
                        + Arrays.stream(invFreq).mapToInt(f -> f.length).boxed().toList() + " frequencies for " + rows + " rows");
            }
            int[] runOfRow = new int[rows];
            for (int s = 0, r = 0; s < lengths.length; s++) {
                for (int end = r + lengths[s]; r < end; r++) runOfRow[r] = s;
            }
            float[] cos = new float[rows * half], sin = new float[rows * half];
            Parallel.forRange(rows, Math.max(1, 256 / Math.max(1, half)), (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    float p = positions[r];
                    float[] f = invFreq[runOfRow[r]];
                    for (int i = 0; i < half; i++) {
                        float theta = p * f[i];
                        cos[r * half + i] = (float) Math.cos(theta);
                        sin[r * half + i] = (float) Math.sin(theta);
                    }
                }
            });
            return new Angles(cos, sin, rows, half);
        }

        /**
         * The angles of the rows {@code picked} (indices into these rows), in that order: [picked.length,
         * half]. Throws IndexOutOfBoundsException for an index outside [0, rows).
         */
        public Angles select(int[] picked) {
            float[] c = new float[picked.length * half], s = new float[picked.length * half];
            for (int i = 0; i < picked.length; i++) {
                System.arraycopy(cos, picked[i] * half, c, i * half, half);
                System.arraycopy(sin, picked[i] * half, s, i * half, half);
            }
            return new Angles(c, s, picked.length, half);
        }
    }

    /**
     * Rotates x [rows, heads·headDim] in place by the angles (rows and headDim / 2 = half as
     * there); inverse rotates by −θ, which is the backward (the rotation is orthogonal).
     *
     * @throws IllegalArgumentException when x or headDim do not match the angles
     */
    public static void rope(float[] x, int heads, int headDim, Angles angles, boolean inverse) {
        if (headDim != 2 * angles.half() || x.length != angles.rows() * heads * headDim) {
            throw new IllegalArgumentException("rope: " + x.length + " values as " + heads + " heads x " + headDim
                    + " for angles of " + angles.rows() + " rows x " + angles.half());
        }
        if (VectorApi.ENABLED) RopeVector.rope(x, heads, headDim, angles, inverse);
        else ropeScalar(x, heads, headDim, angles, inverse);
    }

    public static void ropeScalar(float[] x, int heads, int headDim, Angles angles, boolean inverse) {
        int half = headDim / 2;
        for (int r = 0; r < angles.rows(); r++) {
            for (int h = 0; h < heads; h++) rotate(x, r * heads * headDim + h * headDim, half, angles, r * half, inverse, 0);
        }
    }

    /**
     * Rotates pairs (i, i + half) of the head at offset o for i in [from, half), by the angles at
     * offset a; the inverse swaps the signs of the sine terms (bitwise the rotation by −θ).
     */
    static void rotate(float[] x, int o, int half, Angles angles, int a, boolean inverse, int from) {
        float[] cos = angles.cos(), sin = angles.sin();
        for (int i = from; i < half; i++) {
            float x1 = x[o + i], x2 = x[o + i + half], c = cos[a + i], s = sin[a + i];
            x[o + i] = inverse ? x1 * c + x2 * s : x1 * c - x2 * s;
            x[o + i + half] = inverse ? x2 * c - x1 * s : x2 * c + x1 * s;
        }
    }
}
