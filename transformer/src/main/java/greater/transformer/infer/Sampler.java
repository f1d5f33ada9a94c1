package greater.transformer.infer;

import java.util.Arrays;
import java.util.Random;

/** Picks the next token from one row of logits: argmax, or temperature + top-p (nucleus) sampling. */
final class Sampler {
    private final GenerationOptions options;
    private final Random random;

    Sampler(GenerationOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    int next(float[] logits, int offset, int vocab) {
        return options.isGreedy() ? argmax(logits, offset, vocab) : sample(logits, offset, vocab);
    }

    /** The first index of the maximum, as torch.argmax returns. */
    static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        float max = logits[offset];
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > max) {
                max = logits[offset + i];
                best = i;
            }
        }
        return best;
    }

    /** Holtzman et al. 2020: keep the smallest set of most likely tokens whose mass reaches p. */
    private int sample(float[] logits, int offset, int vocab) {
        double[] p = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i] / options.temperature());
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += p[i] = Math.exp(logits[offset + i] / options.temperature() - max);
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        int keep = 0;
        double mass = 0;
        while (keep < vocab && (keep == 0 || mass < options.topP() * sum)) mass += p[order[keep++]];
        double r = random.nextDouble() * mass;
        for (int j = 0; j < keep; j++) {
            r -= p[order[j]];
            if (r <= 0) return order[j];
        }
        return order[keep - 1];
    }
}
