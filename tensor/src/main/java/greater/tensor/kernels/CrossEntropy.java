// Token-level cross-entropy over logits.
//   rows = positions scored, cols = vocabulary size; logits, dLogits [rows,cols]; targets, rowLoss, dRowLoss [rows];
// Vector forms: CrossEntropyVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

/**
 * loss_r = logsumexp(logits_r) − logits_r[target_r] = (max − x_t) + log Σ exp(x − max); a negative
 * target marks an ignored row (loss 0, no gradient). Threads split the rows.
 */
public final class CrossEntropy {
    /** Elements per parallel task. */
    static final int GRAIN = 1 << 14;

    private CrossEntropy() {
    }

    static int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(1, cols));
    }

    /** Fills rowLoss and returns its sum (accumulated in double). */
    public static float crossEntropyRows(float[] rowLoss, float[] logits, int rows, int cols, int[] targets) {
        return VectorApi.ENABLED ? CrossEntropyVector.crossEntropyRows(rowLoss, logits, rows, cols,
                targets) : crossEntropyRowsScalar(rowLoss, logits, rows, cols, targets);
    }

    public static float crossEntropyRowsScalar(float[] rowLoss, float[] logits, int rows, int cols, int[] targets) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int tg = targets[r];
            checkTarget(tg, cols);
            if (tg < 0) {
                rowLoss[r] = 0f;
                continue;
            }
            int o = r * cols;
            float max = maxScalar(logits, o, cols);
            // (max − x_t) + log Σ exp(x − max): no large intermediate, so no rounding at the logits' magnitude
            rowLoss[r] = (max - logits[o + tg]) + (float) Math.log(sumExpScalar(logits, o, cols, max));
            total += rowLoss[r];
        }
        return (float) total;
    }

    /** dLogits[r,c] += dRowLoss[r]·(softmax(logits_r)_c − [c = target_r]), softmax as exp(x − max)/Σ. */
    public static void crossEntropyBackward(float[] dLogits, float[] logits, int rows, int cols, int[] targets,
                                            float[] dRowLoss) {
        if (VectorApi.ENABLED) CrossEntropyVector.crossEntropyBackward(dLogits, logits, rows, cols, targets, dRowLoss);
        else crossEntropyBackwardScalar(dLogits, logits, rows, cols, targets, dRowLoss);
    }

    public static void crossEntropyBackwardScalar(float[] dLogits, float[] logits, int rows, int cols, int[] targets,
                                                  float[] dRowLoss) {
        for (int r = 0; r < rows; r++) {
            int tg = targets[r];
            checkTarget(tg, cols);
            if (tg < 0) continue;
            int o = r * cols;
            float g = dRowLoss[r];
            float max = maxScalar(logits, o, cols);
            float scale = g / sumExpScalar(logits, o, cols, max);
            for (int c = 0; c < cols; c++) dLogits[o + c] += scale * (float) Math.exp(logits[o + c] - max);
            dLogits[o + tg] -= g;
        }
    }

    static float maxScalar(float[] x, int o, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
        return max;
    }

    /** Σ_c exp(x[o+c] − max). */
    static float sumExpScalar(float[] x, int o, int cols, float max) {
        float sum = 0f;
        for (int c = 0; c < cols; c++) sum += (float) Math.exp(x[o + c] - max);
        return sum;
    }

    static void checkTarget(int tg, int cols) {
        if (tg >= cols) throw new IndexOutOfBoundsException("target " + tg + " outside [0, " + cols + ")");
    }
}
