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

    /** Train and test examples. */
    public record Split(List<Example> train, List<Example> test) {
    }

    /**
     * The official layout: {@code train} examples from {@code offset}, then {@code test} examples
     * right after them. A non-zero seed shuffles the examples first (deterministically).
     */
    public Split split(int train, int test, int offset, long seed) {
        if (train < 1) throw new TaskFormatException(preset.name() + ": the train split must have at least one example");
        if (test < 0 || offset < 0) throw new TaskFormatException(preset.name() + ": negative test size or offset");
        List<Example> all = new ArrayList<>(examples);
        if (seed != 0) Collections.shuffle(all, new Random(seed));
        if ((long) offset + train + test > all.size()) {
            throw new TaskFormatException(preset.name() + ": asked for " + train + " train + " + test + " test examples from offset "
                    + offset + ", but the data has only " + all.size());
        }
        return new Split(List.copyOf(all.subList(offset, offset + train)),
                List.copyOf(all.subList(offset + train, offset + train + test)));
    }
}
