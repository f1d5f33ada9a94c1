package greater.transformer.train;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How to train: {@code steps} optimizer steps of {@code batchSize} sequences, AdamW
 * ({@code beta1}, {@code beta2}, {@code eps}, decoupled {@code weightDecay} on matrices), learning
 * rate warmed up over {@code warmupSteps} to {@code peakLr} then cosine-decayed to {@code minLr},
 * gradients clipped to global norm {@code clipNorm} (0 = off), a checkpoint every
 * {@code checkpointEvery} steps (0 = only at the end), init N(0, {@code initStd}²) from {@code seed}.
 */
public record TrainOptions(int steps, int batchSize, double peakLr, double minLr, int warmupSteps,
                           double weightDecay, double beta1, double beta2, double eps, double clipNorm,
                           int checkpointEvery, long seed, double initStd) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TrainOptions {
        if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (warmupSteps < 0 || checkpointEvery < 0) throw new IllegalArgumentException("warmup and checkpoint interval must be >= 0");
    }

    /** The defaults used for the demo model, for {@code steps} steps and seed {@code seed}. */
    public static TrainOptions defaults(int steps, long seed) {
        return new TrainOptions(steps, 32, 3e-3, 3e-4, Math.min(200, Math.max(1, steps / 20)),
                0.1, 0.9, 0.95, 1e-8, 1.0, 250, seed, 0.02);
    }

    public TrainOptions withBatchSize(int b) {
        return new TrainOptions(steps, b, peakLr, minLr, warmupSteps, weightDecay, beta1, beta2, eps, clipNorm, checkpointEvery, seed, initStd);
    }

    public TrainOptions withLearningRate(double peak, double min) {
        return new TrainOptions(steps, batchSize, peak, min, warmupSteps, weightDecay, beta1, beta2, eps, clipNorm, checkpointEvery, seed, initStd);
    }

    public TrainOptions withCheckpointEvery(int every) {
        return new TrainOptions(steps, batchSize, peakLr, minLr, warmupSteps, weightDecay, beta1, beta2, eps, clipNorm, every, seed, initStd);
    }

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(peakLr, minLr, warmupSteps, steps);
    }

    public String toJson() {
        return JSON.valueToTree(this).toString();
    }

    public static TrainOptions fromJson(String json) {
        try {
            return JSON.treeToValue(JSON.readTree(json), TrainOptions.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("not training options: " + json, e);
        }
    }
}
