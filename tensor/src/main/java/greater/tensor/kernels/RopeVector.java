// Vector form of Rope (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API side of {@link Rope}; the tail comes from its scalar code. */
final class RopeVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private RopeVector() {
    }

    static void rope(float[] x, int heads, int headDim, Rope.Angles angles, boolean inverse) {
        int half = headDim / 2;
        float[] cos = angles.cos(), sin = angles.sin();
        Parallel.forRange(angles.rows(), Math.max(1, 4096 / Math.max(1, heads * headDim)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int a = r * half;
                for (int h = 0; h < heads; h++) {
                    int o = r * heads * headDim + h * headDim;
                    int i = 0;
                    for (int bound = F.loopBound(half); i < bound; i += L) {
                        FloatVector x1 = FloatVector.fromArray(F, x, o + i);
                        FloatVector x2 = FloatVector.fromArray(F, x, o + half + i);
                        FloatVector c = FloatVector.fromArray(F, cos, a + i), s = FloatVector.fromArray(F, sin, a + i);
                        if (inverse) {
                            x1.mul(c).add(x2.mul(s)).intoArray(x, o + i);
                            x2.mul(c).sub(x1.mul(s)).intoArray(x, o + half + i);
                        } else {
                            x1.mul(c).sub(x2.mul(s)).intoArray(x, o + i);
                            x2.mul(c).add(x1.mul(s)).intoArray(x, o + half + i);
                        }
                    }
                    Rope.rotate(x, o, half, angles, a, inverse, i);
                }
            }
        });
    }
}
