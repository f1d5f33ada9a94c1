// Vector form of Rope (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API side of {@link Rope}; the angles and the tail come from its scalar code. */
final class RopeVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private RopeVector() {
    }

    static void rope(float[] x, int rows, int heads, int headDim, int[] positions, float[] invFreq,
                     boolean inverse) {
        int half = headDim / 2;
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, heads * headDim)), (r0, r1) -> {
            float[] cos = new float[half], sin = new float[half];
            for (int r = r0; r < r1; r++) {
                Rope.angles(cos, sin, positions[r], invFreq, half, inverse);
                for (int h = 0; h < heads; h++) {
                    int o = r * heads * headDim + h * headDim;
                    int i = 0;
                    for (int bound = F.loopBound(half); i < bound; i += L) {
                        FloatVector x1 = FloatVector.fromArray(F, x, o + i);
                        FloatVector x2 = FloatVector.fromArray(F, x, o + half + i);
                        FloatVector c = FloatVector.fromArray(F, cos, i), s = FloatVector.fromArray(F, sin, i);
                        x1.mul(c).sub(x2.mul(s)).intoArray(x, o + i);
                        x2.mul(c).add(x1.mul(s)).intoArray(x, o + half + i);
                    }
                    Rope.rotate(x, o, half, cos, sin, i);
                }
            }
        });
    }
}
