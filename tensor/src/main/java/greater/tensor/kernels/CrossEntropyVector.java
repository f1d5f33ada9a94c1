// Vector forms of CrossEntropy (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API side of {@link CrossEntropy}. */
final class CrossEntropyVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private CrossEntropyVector() {
    }

    static float crossEntropyRows(float[] rowLoss, float[] logits, int rows, int cols, int[] targets) {
        for (int r = 0; r < rows; r++) CrossEntropy.checkTarget(targets[r], cols);
        Parallel.forRange(rows, CrossEntropy.rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int tg = targets[r];
                if (tg < 0) {
                    rowLoss[r] = 0f;
                    continue;
                }
                int o = r * cols;
                float max = SoftmaxVector.max(logits, o, cols);
                rowLoss[r] = (max - logits[o + tg]) + (float) Math.log(SoftmaxVector.sumExp(logits, o, cols, max));
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        return (float) total;
    }

    static void crossEntropyBackward(float[] dLogits, float[] logits, int rows, int cols, int[] targets,
                                     float[] dRowLoss) {
        for (int r = 0; r < rows; r++) CrossEntropy.checkTarget(targets[r], cols);
        Parallel.forRange(rows, CrossEntropy.rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int tg = targets[r];
                if (tg < 0) continue;
                int o = r * cols;
                float g = dRowLoss[r];
                float max = SoftmaxVector.max(logits, o, cols);
                float scale = g / SoftmaxVector.sumExp(logits, o, cols, max);
                int c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(F, logits, o + c).sub(max));
                    e.fma(FloatVector.broadcast(F, scale), FloatVector.fromArray(F, dLogits, o + c)).intoArray(dLogits, o + c);
                }
                for (; c < cols; c++) dLogits[o + c] += scale * (float) Math.exp(logits[o + c] - max);
                dLogits[o + tg] -= g;
            }
        });
    }
}
