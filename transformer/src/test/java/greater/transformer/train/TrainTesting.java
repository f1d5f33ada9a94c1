package greater.transformer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Shared fixtures of the training tests: tiny shapes and a learnable synthetic task. */
final class TrainTesting {
    private TrainTesting() {
    }

    static ModelShape tiny(int vocab) {
        return ModelShape.preset("tiny", vocab);
    }

    /**
     * Counting sequences: a random start s, then s+1, s+2, ... (mod a small range), predicted
     * from the third token on. A model learns "next = this + 1" within a few dozen steps.
     */
    static List<TrainingSequence> counting(RandomGenerator rng, int count, int vocab) {
        List<TrainingSequence> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = 8 + rng.nextInt(8);
            int start = rng.nextInt(vocab);
            int[] ids = new int[len];
            boolean[] predict = new boolean[len];
            for (int j = 0; j < len; j++) {
                ids[j] = (start + j) % vocab;
                predict[j] = j >= 2;
            }
            out.add(new TrainingSequence(ids, predict));
        }
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError(a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
