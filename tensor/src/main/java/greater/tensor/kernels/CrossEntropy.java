// Token-level cross-entropy over logits.
//   rows = positions scored, cols = vocabulary size; logits, dLogits [rows,cols]; targets, rowLoss, dRowLoss [rows];
//   stats [rows, 2]: per row max_r and log Σ_c exp(x_rc − max_r), saved by the forward for the backward.
// Vector forms: CrossEntropyVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

/**
 * loss_r = logsumexp(logits_r) − logits_r[target_r] = (max − x_t) + log Σ exp(x − max); a negative
 * target marks an ignored row (loss 0, no gradient). The forward keeps max and the log-sum of each
 * row, so the backward is one pass, softmax = exp((x − max) − log Σ), instead of recomputing both
 * (three passes over a [rows, V] array of a 49k–256k vocabulary). Threads split the rows.
 */
public final class CrossEntropy {
    /** Elements per parallel task. */
    static final int GRAIN = 1 << 14;

    private CrossEntropy() {
    }

    static int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(1, cols));
    }

    /**
     * Fills rowLoss, and stats (when not null) for {@link #crossEntropyBackward}, and returns the
     * loss's sum (accumulated in double).
     *
     * @throws IndexOutOfBoundsException for a target ≥ cols
     */
    public static float crossEntropyRows(float[] rowLoss, float[] stats, float[] logits, int rows, int cols, int[] targets) {
        return VectorApi.ENABLED ? CrossEntropyVector.crossEntropyRows(rowLoss, stats, logits, rows, cols,
                targets) : crossEntropyRowsScalar(rowLoss, stats, logits, rows, cols, targets);
    }

    public static float crossEntropyRowsScalar(float[] rowLoss, float[] stats, float[] logits, int rows, int cols,
                                               int[] targets) {
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
            float logSum = (float) Math.log(sumExpScalar(logits, o, cols, max));
            rowLoss[r] = (max - logits[o + tg]) + logSum;
            if (stats != null) {
                stats[2 * r] = max;
                stats[2 * r + 1] = logSum;
            }
            total += rowLoss[r];
        }
        return (float) total;
    }

    /**
     * dLogits[r,c] = dRowLoss[r]·(softmax(logits_r)_c − [c = target_r]), softmax as
     * exp((x − max) − log Σ) from the forward's stats; 0 on ignored rows. It overwrites: a
     * [rows, V] gradient is the largest array of a pass, and neither zeroing it first nor reading
     * it back to add is needed when the loss is the logits' only consumer (the op hands the array
     * to the logits' slot, which adds it instead when the logits are a leaf or another gradient got
     * there first).
     *
     * @throws IndexOutOfBoundsException for a target ≥ cols
     */
    public static void crossEntropyBackward(float[] dLogits, float[] logits, float[] stats, int rows, int cols,
                                            int[] targets, float[] dRowLoss) {
        if (VectorApi.ENABLED) CrossEntropyVector.crossEntropyBackward(dLogits, logits, stats, rows, cols, targets, dRowLoss);
        else crossEntropyBackwardScalar(dLogits, logits, stats, rows, cols, targets, dRowLoss);
    }

    public static void crossEntropyBackwardScalar(float[] dLogits, float[] logits, float[] stats, int rows, int cols,
                                                  int[] targets, float[] dRowLoss) {
        for (int r = 0; r < rows; r++) {
            int tg = targets[r];
            checkTarget(tg, cols);
            int o = r * cols;
            if (tg < 0) {
                java.util.Arrays.fill(dLogits, o, o + cols, 0f);
                continue;
            }
            float g = dRowLoss[r];
            float max = stats[2 * r], logSum = stats[2 * r + 1];
            for (int c = 0; c < cols; c++) dLogits[o + c] = g * (float) Math.exp((logits[o + c] - max) - logSum);
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
