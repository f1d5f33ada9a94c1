package greater.optimizer.run;

import greater.optimizer.eval.Evaluation;
import greater.optimizer.eval.Evaluator;
import greater.optimizer.greater.GreaterListener;
import greater.optimizer.greater.GreaterOptimizer;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.PromptFormat;
import greater.optimizer.greater.RunRandomness;
import greater.optimizer.greater.RunState;
import greater.optimizer.greater.StepRecord;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.transformer.model.Transformer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole GReaTer run as the CLI's {@code optimize} performs it: evaluate the initial prompt on the
 * held-out split, optimize on the train split (checkpointing after every step when a folder is
 * given), evaluate the best prompt, and write {@code result.json} and {@code report.html}.
 * {@link #resume} continues from a folder's checkpoint and ends where an uninterrupted run would.
 */
public final class OptimizationRun {

    /**
     * What to run. {@code modelName} and {@code taskName} identify the run for resume checks;
     * {@code splitSeed} is the seed the train/test split was drawn with (recorded, not applied here).
     */
    public record Spec(String modelName, String taskName, TaskPreset preset, List<Example> train, List<Example> test,
                       String initialPrompt, GreaterSettings settings, long splitSeed) {
        /** A spec whose split was not drawn by a seed. */
        public Spec(String modelName, String taskName, TaskPreset preset, List<Example> train, List<Example> test,
                    String initialPrompt, GreaterSettings settings) {
            this(modelName, taskName, preset, train, test, initialPrompt, settings, 0);
        }
    }

    private final Transformer model;
    private final PromptFormat format;
    private final Spec spec;
    private final Progress progress;

    public OptimizationRun(Transformer model, PromptFormat format, Spec spec, Progress progress) {
        this.model = model;
        this.format = format;
        this.spec = spec;
        this.progress = progress;
    }

    /** A fresh run; {@code folder} may be null (nothing written). */
    public RunResult run(RunFolder folder) throws IOException {
        if (folder != null) folder.create(identity());
        return execute(folder, null);
    }

    /** Continues the run in {@code folder}; it must have been started with the same model, task and settings. */
    public RunResult resume(RunFolder folder) throws IOException {
        Map<String, Object> recorded = folder.identity();
        Map<String, Object> mine = RunFolder.JSON.convertValue(identity(), Map.class);
        for (var e : mine.entrySet()) {
            if (!Objects.equals(String.valueOf(recorded.get(e.getKey())), String.valueOf(e.getValue()))) {
                throw new IllegalArgumentException(folder.dir() + ": this run was started with " + e.getKey() + " = "
                        + recorded.get(e.getKey()) + ", not " + e.getValue() + "; resume it with the same settings");
            }
        }
        RunState state = folder.checkpoint();
        folder.rewriteTrace(state != null ? state.history() : List.of());
        return execute(folder, state);
    }

    private RunResult execute(RunFolder folder, RunState state) throws IOException {
        long t0 = System.nanoTime();
        GreaterSettings s = spec.settings();
        Evaluator evaluator = new Evaluator(model, format, spec.preset(), s.maxReasoningTokens());

        Evaluation initial = folder != null ? folder.load("initial_evaluation.json", Evaluation.class) : null;
        if (initial == null) {
            initial = evaluate(evaluator, spec.initialPrompt(), "evaluating the initial prompt");
            if (folder != null) folder.save("initial_evaluation.json", initial);
        }
        progress.message(String.format(java.util.Locale.ROOT, "initial prompt \"%s\": accuracy %.1f%% on %d held-out examples",
                spec.initialPrompt(), 100 * initial.accuracy(), initial.n()));

        GreaterOptimizer optimizer = new GreaterOptimizer(model, format, spec.preset(), spec.train(), s);
        if (state == null) state = optimizer.start(spec.initialPrompt());
        else progress.message("resuming at step " + (state.step() + 1) + " of " + s.steps());
        GreaterListener listener = new GreaterListener() {
            @Override
            public void phase(int step, String phase) {
                progress.phase(step, phase);
            }

            @Override
            public void stepDone(StepRecord record, RunState after) {
                if (folder != null) {
                    try {
                        folder.stepDone(record, after);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                progress.stepDone(record, after);
            }
        };
        RunState end = optimizer.run(state, listener);

        String best = format.decodePrompt(end.bestPrompt());
        Evaluation fin = evaluate(evaluator, best, "evaluating the optimized prompt");
        if (folder != null) folder.save("final_evaluation.json", fin);
        List<StepRecord> steps = end.history();
        double stepSeconds = steps.stream().mapToDouble(StepRecord::seconds).sum();
        RunResult result = new RunResult(spec.modelName(), spec.taskName(), spec.initialPrompt(), best,
                initial.accuracy(), fin.accuracy(), fin.n(), spec.train().size(), steps.size(),
                (System.nanoTime() - t0) / 1e9, s.useReasoning(), s.seed(), end.initialScore(), end.bestScore(),
                steps.isEmpty() ? 0 : stepSeconds / steps.size(),
                steps.stream().mapToDouble(StepRecord::generationSeconds).sum(),
                steps.stream().mapToDouble(StepRecord::gradientSeconds).sum(),
                steps.stream().mapToDouble(StepRecord::selectionSeconds).sum(),
                s.ranking().label(), s.search().label(), spec.splitSeed());
        if (folder != null) folder.finish(result, steps);
        return result;
    }

    private Evaluation evaluate(Evaluator evaluator, String prompt, String what) {
        int n = spec.test().size();
        return evaluator.evaluate(prompt, spec.test(), done -> progress.count(what, done, n));
    }

    private Map<String, Object> identity() {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("model", spec.modelName());
        id.put("task", spec.taskName());
        id.put("train_size", spec.train().size());
        id.put("test_size", spec.test().size());
        id.put("initial_prompt", spec.initialPrompt());
        id.put("extractor", spec.preset().extractor());
        id.put("settings", spec.settings());
        id.put("randomness", RunRandomness.describe(spec.splitSeed(), spec.settings()));
        return id;
    }
}
