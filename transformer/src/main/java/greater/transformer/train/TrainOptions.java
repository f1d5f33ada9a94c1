package greater.transformer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.SettingException;

/**
 * How to train: {@code steps} optimizer steps of {@code batchSize} sequences, AdamW
 * ({@code beta1}, {@code beta2}, {@code eps}, decoupled {@code weightDecay} on matrices), learning
 * rate warmed up over {@code warmupSteps} to {@code peakLr} then cosine-decayed to {@code minLr},
 * gradients clipped to global norm {@code clipNorm} (0 = off), a checkpoint every
 * {@code checkpointEvery} steps (0 = only at the end), init N(0, {@code initStd}²) from {@code seed}.
 * Made with {@link #builder}, which starts from the demo model's values; the components are what
 * a checkpoint stores as JSON.
 */
public record TrainOptions(int steps, int batchSize, double peakLr, double minLr, int warmupSteps,
                           double weightDecay, double beta1, double beta2, double eps, double clipNorm,
                           int checkpointEvery, long seed, double initStd) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws SettingException naming the first component out of range */
    public TrainOptions {
        SettingException.atLeast("steps", steps, 1);
        SettingException.atLeast("batchSize", batchSize, 1);
        if (!(peakLr > 0) || Double.isInfinite(peakLr)) throw new SettingException("peakLr", "must be a finite number > 0, got " + peakLr);
        if (!(minLr >= 0) || minLr > peakLr) throw new SettingException("minLr", "must be in [0, peakLr], got " + minLr);
        SettingException.atLeast("warmupSteps", warmupSteps, 0);
        SettingException.atLeast("checkpointEvery", checkpointEvery, 0);
    }

    /**
     * Options built from the demo model's defaults for {@code steps} steps and seed {@code seed}:
     * batch 32, learning rate 3e-3 cosine-decayed to 3e-4 after a warm-up of a twentieth of the
     * steps (at least 1, at most 200), AdamW betas (0.9, 0.95), eps 1e-8, weight decay 0.1,
     * clipping at norm 1, a checkpoint every 100 steps, init std 0.02 (HF's initializer_range).
     */
    public static Builder builder(int steps, long seed) {
        return new Builder(steps, seed);
    }

    /** Changes some of the defaults of {@link #builder}; {@link #build} checks the result. */
    public static final class Builder {
        private final int steps;
        private final long seed;
        private int batchSize = 32;
        private double peakLr = 3e-3, minLr = 3e-4;
        private int warmupSteps;
        private int checkpointEvery = 100;

        private Builder(int steps, long seed) {
            this.steps = steps;
            this.seed = seed;
            this.warmupSteps = Math.min(200, Math.max(1, steps / 20));
        }

        public Builder batchSize(int sequences) {
            this.batchSize = sequences;
            return this;
        }

        /** Peak rate after warm-up and the floor the cosine decays to. */
        public Builder learningRate(double peak, double min) {
            this.peakLr = peak;
            this.minLr = min;
            return this;
        }

        public Builder warmupSteps(int steps) {
            this.warmupSteps = steps;
            return this;
        }

        /** Steps between checkpoints (0 = only at the end). */
        public Builder checkpointEvery(int steps) {
            this.checkpointEvery = steps;
            return this;
        }

        /**
         * The options; AdamW, clipping and init are always the demo's.
         *
         * @throws SettingException for a non-positive step count, batch or learning rate, or a negative interval
         */
        public TrainOptions build() {
            double weightDecay = 0.1, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, clipNorm = 1.0, initStd = 0.02;
            return new TrainOptions(steps, batchSize, peakLr, minLr, warmupSteps, weightDecay, beta1, beta2, eps,
                    clipNorm, checkpointEvery, seed, initStd);
        }
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
