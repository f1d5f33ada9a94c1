package greater.optimizer.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** A preset plus its examples, and the train/test split GReaTer runs on. */
public record Task(TaskPreset preset, List<Example> examples) {
    public Task {
        examples = List.copyOf(examples);
    }

    /**
     * Train, dev and test examples. The dev split picks the final prompt among the best ones seen
     * in training (issue 14), so test accuracy is measured on data no choice was made on.
     */
    public record Split(List<Example> train, List<Example> dev, List<Example> test) {
        public Split {
            train = List.copyOf(train);
            dev = List.copyOf(dev);
            test = List.copyOf(test);
        }

        /** No dev split. */
        public Split(List<Example> train, List<Example> test) {
            this(train, List.of(), test);
        }
    }

    /**
     * The official layout: {@code train} examples from {@code offset}, then {@code test} examples
     * right after them. A non-zero seed shuffles the examples first (deterministically).
     */
    public Split split(int train, int test, int offset, long seed) {
        return split(train, 0, test, offset, seed);
    }

    /**
     * {@code train} examples from {@code offset}, then {@code dev}, then {@code test} right after
     * them (with no dev split, exactly the official layout). A non-zero seed shuffles the examples
     * first (deterministically).
     *
     * @throws TaskFormatException when a size is out of range or the data has too few examples
     */
    public Split split(int train, int dev, int test, int offset, long seed) {
        if (train < 1) throw new TaskFormatException(preset.name() + ": the train split must have at least one example");
        if (dev < 0 || test < 0 || offset < 0) throw new TaskFormatException(preset.name() + ": negative dev or test size or offset");
        List<Example> all = new ArrayList<>(examples);
        if (seed != 0) Collections.shuffle(all, new Random(seed));
        if ((long) offset + train + dev + test > all.size()) {
            throw new TaskFormatException(preset.name() + ": asked for " + train + " train + " + (dev > 0 ? dev + " dev + " : "")
                    + test + " test examples from offset " + offset + ", but the data has only " + all.size());
        }
        int d = offset + train, t = d + dev;
        return new Split(all.subList(offset, d), all.subList(d, t), all.subList(t, t + test));
    }
}
