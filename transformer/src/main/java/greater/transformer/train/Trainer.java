package greater.transformer.train;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.CrossEntropyLoss;
import greater.tensor.ops.Rows;
import greater.tensor.ops.Scale;
import greater.tensor.safetensors.SafetensorsFile;
import greater.tensor.safetensors.SafetensorsWriter;
import greater.transformer.model.Transformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Trains a {@link TrainableModel} from scratch with the project's own autodiff: each step draws
 * a batch of sequences, runs each through the product's {@link Transformer} (the one decoder
 * inference and prompt gradients use; here its weights require gradients, so the same ops also
 * accumulate weight gradients), takes the mean cross-entropy over the predicted tokens of the whole
 * batch, backpropagates (the tape frees every activation as it goes), clips the global gradient
 * norm, and takes one AdamW step at the scheduled learning rate.
 *
 * <p>Checkpoints hold everything a resumed run needs to continue bit for bit: F32 weights, both
 * Adam moments, the step, Adam's step count, the data generator's state, the shape and options,
 * and caller tags (e.g. which task and tokenizer). They are single safetensors files replaced
 * atomically, so a run killed at any moment leaves the previous checkpoint intact.
 *
 * <pre>
 *   Trainer t = Trainer.create(shape, options, Map.of("task", "arithmetic"));
 *   t.train(rng -&gt; nextBatch(rng), dir.resolve("checkpoint.safetensors"), new ConsoleProgress(System.err));
 * </pre>
 */
public final class Trainer {
    public static final String CHECKPOINT_FORMAT = "greater-train-checkpoint/1";
    /** A step's sequences are split into passes of at most this many tokens, each with its own tape (gradients accumulate across passes). */
    static final int MAX_TOKENS_PER_PASS = 16384;

    /** Draws the sequences of one step from the trainer's (checkpointed) data generator. */
    @FunctionalInterface
    public interface BatchSource {
        List<TrainingSequence> next(RandomGenerator rng);
    }

    /** What one optimizer step did: its 1-based number, the batch loss, the rate, the pre-clip norm, the work. */
    public record StepStats(int step, int totalSteps, double loss, double lr, double gradNorm, int tokens,
                            int predicted, long nanos, double trainSeconds) {
    }

    /** Progress callbacks. */
    public interface Listener {
        void onStep(StepStats stats);

        default void onCheckpoint(int step, Path file) {
        }
    }

    private final TrainOptions options;
    private final TrainableModel model;
    private final AdamW adam;
    private final LearningRateSchedule schedule;
    private final Map<String, String> tags;
    private Rng dataRng;
    private int step;
    private double trainSeconds;

    private Trainer(TrainableModel model, TrainOptions options, Map<String, String> tags) {
        this.model = model;
        this.options = options;
        this.tags = Map.copyOf(tags);
        this.schedule = options.schedule();
        List<Tensor> params = new ArrayList<>();
        boolean[] decay = new boolean[model.layout().size()];
        for (int i = 0; i < decay.length; i++) {
            TrainableModel.Parameter p = model.layout().get(i);
            params.add(model.tensor(p.name()));
            decay[i] = p.decay();
        }
        this.adam = new AdamW(params, decay, options.beta1(), options.beta2(), options.eps(), options.weightDecay());
        this.dataRng = Rng.derive(options.seed(), 2);
    }

    /** A fresh model initialized from {@code options.seed()}. */
    public static Trainer create(ModelShape shape, TrainOptions options, Map<String, String> tags) {
        return new Trainer(TrainableModel.initialize(shape, Rng.derive(options.seed(), 1), options.initStd()), options, tags);
    }

    /** Continues exactly where the checkpoint left off. */
    public static Trainer resume(Path checkpoint) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            Map<String, String> meta = f.metadata();
            if (!CHECKPOINT_FORMAT.equals(meta.get("format"))) {
                throw new IOException(checkpoint + ": not a training checkpoint (format " + meta.get("format") + ", expected " + CHECKPOINT_FORMAT + ")");
            }
            ModelShape shape = ModelShape.fromJson(meta.get("shape"));
            TrainOptions options = TrainOptions.fromJson(meta.get("options"));
            Map<String, String> tags = new LinkedHashMap<>();
            meta.forEach((k, v) -> {
                if (k.startsWith("tag.")) tags.put(k.substring(4), v);
            });
            List<TrainableModel.Parameter> layout = TrainableModel.layout(shape);
            Map<String, float[]> values = new LinkedHashMap<>();
            float[][] m = new float[layout.size()][], v = new float[layout.size()][];
            for (int i = 0; i < layout.size(); i++) {
                String name = layout.get(i).name();
                values.put(name, f.tensor("param/" + name).toFloatArray());
                m[i] = f.tensor("adam_m/" + name).toFloatArray();
                v[i] = f.tensor("adam_v/" + name).toFloatArray();
            }
            Trainer t = new Trainer(TrainableModel.of(shape, values), options, tags);
            t.adam.restore(Long.parseLong(meta.get("adam_steps")), m, v);
            t.step = Integer.parseInt(meta.get("step"));
            t.dataRng = new Rng(Long.parseUnsignedLong(meta.get("data_rng"), 16));
            t.trainSeconds = Double.parseDouble(meta.getOrDefault("train_seconds", "0"));
            return t;
        }
    }

    public TrainableModel model() {
        return model;
    }

    public TrainOptions options() {
        return options;
    }

    public Map<String, String> tags() {
        return tags;
    }

    /** Steps completed. */
    public int step() {
        return step;
    }

    /** Seconds spent in {@link #step(List)} over the whole run, resumes included. */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** The generator batches are drawn from (its state is checkpointed; tests draw from it). */
    RandomGenerator dataRng() {
        return dataRng;
    }

    /** Mean cross-entropy over the predicted tokens of {@code batch}, without training (no tape; tests' held-out loss). */
    double evaluate(List<TrainingSequence> batch) {
        double sum = 0;
        int count = 0;
        for (List<TrainingSequence> pass : passes(batch)) {
            int[] targets = targets(pass);
            int counted = countTargets(targets);
            if (counted == 0) continue;
            sum += CrossEntropyLoss.apply(logits(pass), targets).getFloat(0) * (double) counted;
            count += counted;
        }
        return sum / count;
    }

    /** One optimizer step on {@code batch}. */
    public StepStats step(List<TrainingSequence> batch) {
        long start = System.nanoTime();
        int total = 0, tokens = 0;
        for (TrainingSequence s : batch) {
            total += s.predicted();
            tokens += s.length();
        }
        if (total == 0) throw new IllegalArgumentException("the batch predicts no token");
        model.zeroGrad();
        double lossSum = 0;
        for (List<TrainingSequence> pass : passes(batch)) {
            int[] targets = targets(pass);
            int counted = countTargets(targets);
            if (counted == 0) continue;
            try (Tape tape = Tape.record()) {
                Tensor loss = CrossEntropyLoss.apply(logits(pass), targets);
                lossSum += loss.getFloat(0) * (double) counted;
                // Each pass's mean, weighted by its share of the batch's predicted tokens: the sum is the batch mean.
                tape.backward(counted == total ? loss : Scale.apply(loss, (float) counted / total));
            }
        }
        double lr = schedule.at(step);
        double norm = adam.clipGradNorm(options.clipNorm());
        adam.step(lr);
        model.zeroGrad();
        step++;
        long nanos = System.nanoTime() - start;
        trainSeconds += nanos / 1e9;
        return new StepStats(step, options.steps(), lossSum / total, lr, norm, tokens, total, nanos, trainSeconds);
    }

    /**
     * Trains until {@code options.steps()}, drawing each batch from {@code data}, writing
     * {@code checkpoint} every {@code checkpointEvery} steps and at the end.
     */
    public void train(BatchSource data, Path checkpoint, Listener listener) throws IOException {
        while (step < options.steps()) {
            StepStats s = step(data.next(dataRng));
            if (!Double.isFinite(s.loss())) throw new IllegalStateException("loss is " + s.loss() + " at step " + s.step() + "; lower the learning rate");
            listener.onStep(s);
            boolean due = options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0;
            if (checkpoint != null && (due || step == options.steps())) {
                writeCheckpoint(checkpoint);
                listener.onCheckpoint(step, checkpoint);
            }
        }
    }

    /** Writes the full training state to {@code file} atomically (temp file + rename). */
    public void writeCheckpoint(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", CHECKPOINT_FORMAT)
                .metadata("step", Integer.toString(step))
                .metadata("adam_steps", Long.toString(adam.steps()))
                .metadata("data_rng", Long.toHexString(dataRng.state()))
                .metadata("train_seconds", Double.toString(trainSeconds))
                .metadata("shape", model.shape().toJson())
                .metadata("options", options.toJson());
        tags.forEach((k, v) -> w.metadata("tag." + k, v));
        List<TrainableModel.Parameter> layout = model.layout();
        for (int i = 0; i < layout.size(); i++) {
            TrainableModel.Parameter p = layout.get(i);
            w.addF32("param/" + p.name(), model.tensor(p.name()).data(), p.dims());
            w.addF32("adam_m/" + p.name(), adam.firstMoment(i), p.dims());
            w.addF32("adam_v/" + p.name(), adam.secondMoment(i), p.dims());
        }
        w.write(file);
    }

    private static List<List<TrainingSequence>> passes(List<TrainingSequence> batch) {
        List<List<TrainingSequence>> out = new ArrayList<>();
        List<TrainingSequence> cur = new ArrayList<>();
        int tokens = 0;
        for (TrainingSequence s : batch) {
            if (!cur.isEmpty() && tokens + s.length() > MAX_TOKENS_PER_PASS) {
                out.add(cur);
                cur = new ArrayList<>();
                tokens = 0;
            }
            cur.add(s);
            tokens += s.length();
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /**
     * Logits [N, V] of a pass (N = its total tokens): each sequence through the transformer alone,
     * at positions 0..len-1 with no cache, the results stacked by rows in order.
     */
    private Tensor logits(List<TrainingSequence> pass) {
        Transformer transformer = model.transformer();
        if (pass.size() == 1) return transformer.logits(pass.getFirst().ids());
        Tensor[] rows = new Tensor[pass.size()];
        for (int s = 0; s < rows.length; s++) rows[s] = transformer.logits(pass.get(s).ids());
        return Rows.concat(rows);
    }

    /** Row r of the stacked logits predicts the next token of its sequence: target = ids[i+1] when predicted, else -1. */
    private static int[] targets(List<TrainingSequence> pass) {
        int n = 0;
        for (TrainingSequence s : pass) n += s.length();
        int[] t = new int[n];
        int at = 0;
        for (TrainingSequence s : pass) {
            int[] ids = s.ids();
            boolean[] p = s.predict();
            for (int i = 0; i < ids.length; i++) t[at + i] = i + 1 < ids.length && p[i + 1] ? ids[i + 1] : -1;
            at += ids.length;
        }
        return t;
    }

    private static int countTargets(int[] targets) {
        int n = 0;
        for (int t : targets) if (t >= 0) n++;
        return n;
    }
}
