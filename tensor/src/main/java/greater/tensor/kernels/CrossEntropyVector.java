// Vector forms of CrossEntropy (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/** The Vector API side of {@link CrossEntropy}. */
final class CrossEntropyVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private CrossEntropyVector() {
    }

    static float crossEntropyRows(float[] rowLoss, float[] stats, float[] logits, int rows, int cols, int[] targets) {
        for (int r = 0; r < rows; r++) CrossEntropy.checkTarget(targets[r], cols);
        Parallel.forRange(rows, CrossEntropy.rowGrain(cols), (r0, r1) -> {
            float[] lanes = new float[L];
            for (int r = r0; r < r1; r++) {
                int tg = targets[r];
                if (tg < 0) {
                    rowLoss[r] = 0f;
                    continue;
                }
                int o = r * cols;
                float max = SoftmaxVector.max(logits, o, cols);
                float logSum = (float) Math.log(SoftmaxVector.sumExp(logits, o, cols, max, lanes));
                rowLoss[r] = (max - logits[o + tg]) + logSum;
                if (stats != null) {
                    stats[2 * r] = max;
                    stats[2 * r + 1] = logSum;
                }
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        return (float) total;
    }

    static void crossEntropyBackward(float[] dLogits, float[] logits, float[] stats, int rows, int cols, int[] targets,
                                     float[] dRowLoss) {
        for (int r = 0; r < rows; r++) CrossEntropy.checkTarget(targets[r], cols);
        Parallel.forRange(rows, CrossEntropy.rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int tg = targets[r], o = r * cols;
                if (tg < 0) {
                    Arrays.fill(dLogits, o, o + cols, 0f);
                    continue;
                }
                float g = dRowLoss[r];
                float max = stats[2 * r], logSum = stats[2 * r + 1];
                int c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    VectorMath.exp(FloatVector.fromArray(F, logits, o + c).sub(max).sub(logSum)).mul(g).intoArray(dLogits, o + c);
                }
                for (; c < cols; c++) dLogits[o + c] = g * (float) Math.exp((logits[o + c] - max) - logSum);
                dLogits[o + tg] -= g;
            }
        });
    }
}
