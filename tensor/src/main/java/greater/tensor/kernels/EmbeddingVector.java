// Vector form of Embedding (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API side of {@link Embedding}. */
final class EmbeddingVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private EmbeddingVector() {
    }

    static void scatterAdd(float[] dTable, float[] dOut, int dim, int[] ids) {
        for (int t = 0; t < ids.length; t++) {
            int o = ids[t] * dim, s = t * dim, c = 0;
            for (int bound = F.loopBound(dim); c < bound; c += L) {
                FloatVector.fromArray(F, dTable, o + c).add(FloatVector.fromArray(F, dOut, s + c)).intoArray(dTable, o + c);
            }
            for (; c < dim; c++) dTable[o + c] += dOut[s + c];
        }
    }
}
