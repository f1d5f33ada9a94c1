package greater.optimizer.run;

import greater.optimizer.eval.Evaluation;
import greater.optimizer.eval.Evaluator;
import greater.optimizer.greater.ExecutionSettings;
import greater.optimizer.greater.GreaterListener;
import greater.optimizer.greater.GreaterOptimizer;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.PromptFormat;
import greater.optimizer.greater.RunRandomness;
import greater.optimizer.greater.RunState;
import greater.tensor.SettingException;
import greater.optimizer.greater.StepRecord;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.UserInputException;
import greater.transformer.model.Transformer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A whole GReaTer run as the CLI's {@code optimize} performs it:
 * <ol>
 *   <li>print (and record in {@code run.json}) the cost estimate;</li>
 *   <li>evaluate the initial prompt on the test split;</li>
 *   <li>optimize on the train split, checkpointing after every step, until the step count, an
 *       early stop or the {@link Budget};</li>
 *   <li>choose the final prompt ({@link DevSelection}: the top-k by train score on the dev split);</li>
 *   <li>evaluate it on the test split; write {@code result.json} and {@code report.html}.</li>
 * </ol>
 * {@link #resume} continues from a folder and ends exactly where an uninterrupted run would (the
 * same prompts, accuracies and trace), whatever point the interruption hit: every step depends on
 * (seed, step) and the checkpoint only, and each evaluation is stored once done.
 */
public final class OptimizationRun {

    /**
     * What to run. {@code modelName} and {@code taskName} identify the run; {@code invocation} is
     * the front end's record of its options, written to {@code run.json} for a folder-only resume;
     * {@code splitSeed} is the seed the train/dev/test split was drawn with (recorded, not applied here).
     */
    public record Spec(String modelName, String taskName, TaskPreset preset, List<Example> train, List<Example> dev,
                       List<Example> test, String initialPrompt, GreaterSettings settings, int devTopK,
                       Map<String, Object> invocation, long splitSeed) {
        public Spec {
            if (train.isEmpty()) throw new UserInputException("the train split is empty");
            if (test.isEmpty()) throw new UserInputException("the test split is empty");
            SettingException.atLeast("devTopK", devTopK, 1);
        }
    }

    private final Transformer model;
    private final PromptFormat format;
    private final Spec spec;
    private final Progress progress;
    private final ExecutionSettings execution;

    public OptimizationRun(Transformer model, PromptFormat format, Spec spec, Progress progress) {
        this(model, format, spec, progress, ExecutionSettings.defaults());
    }

    /**
     * Checks, before any work, what only the format can tell: that the initial prompt has tokens
     * and that every example's answer can be located after the extractor.
     *
     * @param execution how steps and evaluations are computed (batching, reuse, drafts, token budget); not part of the run's identity
     * @throws SettingException ({@code initialPrompt}) for a prompt of no tokens or more than 256; ({@code extractor}) for an
     *                          extractor an answer merges into
     */
    public OptimizationRun(Transformer model, PromptFormat format, Spec spec, Progress progress, ExecutionSettings execution) {
        GreaterOptimizer.initialPromptIds(format, spec.initialPrompt());
        for (List<Example> split : List.of(spec.train(), spec.dev(), spec.test())) {
            for (Example e : split) format.layout(e, spec.preset().extractor());
        }
        this.model = model;
        this.format = format;
        this.spec = spec;
        this.progress = progress;
        this.execution = execution;
    }

    /** The token counts of this run (no speed). */
    public CostEstimate estimate() {
        return CostEstimate.of(format, spec.preset(), spec.train(), spec.dev(), spec.test(), spec.initialPrompt(), spec.settings(), spec.devTopK());
    }

    /**
     * The token counts with seconds ({@code --dry-run}): the initial prompt is scored on up to
     * {@code samples} train samples with the optimizer's own code, for 4 s to let the JIT compile
     * the kernels (a small model needs many calls for that), then twice timed (the faster counts),
     * and the run's work is priced from that ({@link CostEstimate#timed}).
     */
    public CostEstimate estimate(int samples) {
        List<Example> some = spec.train().subList(0, Math.min(samples, spec.train().size()));
        GreaterOptimizer probe = new GreaterOptimizer(model, format, spec.preset(), some, spec.settings(), execution);
        long warmUntil = System.nanoTime() + 4_000_000_000L;
        do {
            probe.start(spec.initialPrompt());
        } while (System.nanoTime() < warmUntil);
        double best = Double.POSITIVE_INFINITY;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            probe.start(spec.initialPrompt());
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return estimate().timed(best / some.size());
    }

    /** A fresh run; {@code folder} may be null (nothing written). */
    public RunResult run(RunFolder folder, Budget budget) throws IOException {
        CostEstimate cost = estimate();
        if (folder != null) {
            Map<String, Object> runJson = identity();
            runJson.put("invocation", spec.invocation());
            runJson.put("estimate", cost);
            runJson.put("machine", machine());
            folder.create(runJson);
        }
        return execute(folder, null, budget, cost);
    }

    /**
     * What a bitwise-identical rerun needs besides the settings (README, "Reproducibility"): the
     * kernel threads (they split sums), the vector species and the JDK, and the CPU architecture.
     * Recorded for the reader; a resume on another machine is allowed and may differ in the last bits.
     */
    static Map<String, Object> machine() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("kernel_threads", greater.tensor.kernels.Parallel.THREADS);
        m.put("kernels", greater.tensor.kernels.VectorApi.describe());
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("os_arch", System.getProperty("os.arch"));
        return m;
    }

    /**
     * Continues the run in {@code folder}. The spec must be the recorded one (a front end rebuilds
     * it from {@link RunFolder#recorded}); a difference, such as a data file changed since, is refused.
     */
    public RunResult resume(RunFolder folder, Budget budget) throws IOException {
        Map<String, Object> recorded = folder.recorded().identity();
        // Through JSON text, so both sides have the types run.json gives them (a float setting reads back as a double).
        Map<String, Object> mine = RunFolder.JSON.readValue(RunFolder.JSON.writeValueAsString(identity()), Map.class);
        for (var e : mine.entrySet()) {
            Object was = recorded.get(e.getKey());
            if (!Objects.equals(was, e.getValue())) {
                throw new RunFolderException(folder.dir().resolve("run.json") + ": this run was started with " + e.getKey() + " = "
                        + shorten(String.valueOf(was)) + ", now it is " + shorten(String.valueOf(e.getValue()))
                        + (e.getKey().equals("data_sha256") ? " (the data changed since)" : ""));
            }
        }
        RunState state = folder.checkpoint(model.config().vocabSize(), spec.settings().steps());
        folder.rewriteTrace(state != null ? state.history() : List.of());
        return execute(folder, state, budget, estimate());
    }

    private RunResult execute(RunFolder folder, RunState state, Budget budget, CostEstimate cost) throws IOException {
        long t0 = System.nanoTime();
        GreaterSettings s = spec.settings();
        Evaluator evaluator = new Evaluator(model, format, spec.preset(), s.maxReasoningTokens(), s.reasoningStop(),
                execution.batching() ? execution.tokenBudget() : 1);
        progress.message(cost.describe());
        if (budget.generatedTokens() < cost.generatedBeforeSteps() + cost.generatedClosing()) {
            progress.message(String.format(Locale.ROOT, "warning: the budget of %,d tokens does not cover even the evaluations (%,d)",
                    budget.generatedTokens(), cost.generatedBeforeSteps() + cost.generatedClosing()));
        }

        long spent = 0;
        double evalSecondsPerExample = Double.NaN;
        Evaluation initial = folder != null ? folder.load("initial_evaluation.json", Evaluation.class) : null;
        if (initial == null) {
            long e0 = System.nanoTime();
            initial = evaluate(evaluator, spec.initialPrompt(), spec.test(), "evaluating the initial prompt");
            if (!spec.test().isEmpty()) evalSecondsPerExample = (System.nanoTime() - e0) / 1e9 / spec.test().size();
            if (folder != null) folder.save("initial_evaluation.json", initial);
            spent += cost.generatedBeforeSteps();
        }
        progress.message(String.format(Locale.ROOT, "initial prompt \"%s\": accuracy %.1f%% on %d test examples",
                spec.initialPrompt(), 100 * initial.accuracy(), initial.n()));

        GreaterOptimizer optimizer = new GreaterOptimizer(model, format, spec.preset(), spec.train(), s, execution);
        if (state == null) state = optimizer.start(spec.initialPrompt());
        else progress.message("resuming at step " + (state.step() + 1) + " of " + s.steps());
        int closingExamples = spec.devTopK() * spec.dev().size() + spec.test().size();
        double closingSeconds = evalSecondsPerExample * closingExamples;
        List<Double> stepSeconds = new ArrayList<>();
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
                stepSeconds.add(record.timings().seconds());
                double mean = stepSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                int left = after.stopped() ? 0 : s.steps() - after.step();
                progress.stepDone(record, after, mean * left + (Double.isNaN(closingSeconds) ? 0 : closingSeconds));
                if (stepSeconds.size() == 1 && cost.steps() > 0) {
                    progress.message(String.format(Locale.ROOT, "step %d took %s; at that speed the %d remaining steps and the closing "
                                    + "evaluations of %d examples take about %s",
                            record.step() + 1, Progress.time(record.timings().seconds()), left, closingExamples,
                            Progress.time(mean * left + (Double.isNaN(closingSeconds) ? 0 : closingSeconds))));
                }
            }
        };
        String stoppedBy = null;
        while (!state.stopped() && state.step() < s.steps()) {
            double mean = stepSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            stoppedBy = budget.exceeded((System.nanoTime() - t0) / 1e9, mean, closingSeconds, spent, cost.generatedPerStep(), cost.generatedClosing());
            if (stoppedBy != null) break;
            state = optimizer.step(state, listener);
            spent += cost.generatedPerStep();
        }
        String status;
        if (stoppedBy != null) {
            status = "stopped before step " + (state.step() + 1) + " of " + s.steps() + " by " + stoppedBy
                    + "; the folder resumes with greater optimize --resume " + (folder != null ? folder.dir() : "DIR");
            progress.message(status);
        } else if (state.stopped()) {
            // the two rules of GreaterOptimizer.step: say which one ended the run
            status = "stopped early after step " + state.step() + " of " + s.steps() + " ("
                    + (state.bestScore() < s.earlyStopScore()
                    ? "best score " + String.format(java.util.Locale.ROOT, "%.4f", state.bestScore())
                      + " below the early-stop score " + s.earlyStopScore()
                    : "no new best for " + state.stepsSinceBest() + " steps, the patience") + ")";
        } else {
            status = "finished " + s.steps() + " steps";
        }

        List<StepRecord> steps = state.history();
        DevSelection selection = choose(folder, evaluator, state);
        String best = selection.chosen();
        Evaluation fin = folder != null ? folder.load("final_evaluation.json", Evaluation.class) : null;
        if (fin == null || !best.equals(fin.prompt())) {
            fin = evaluate(evaluator, best, spec.test(), "evaluating the final prompt on test");
            if (folder != null) folder.save("final_evaluation.json", fin);
        }
        FaultInjection.point("final", 1);
        float finalScore = selection.candidates().stream().filter(c -> c.prompt().equals(best)).findFirst()
                .map(DevSelection.Candidate::trainScore).orElse(state.bestScore());
        RunResult result = new RunResult(spec.modelName(), spec.taskName(),
                new RunResult.Outcome(spec.initialPrompt(), best, initial.accuracy(), fin.accuracy(), state.initialScore(), finalScore),
                new RunResult.Sizes(spec.train().size(), spec.dev().size(), fin.n()),
                new RunResult.Method(steps.size(), s.useReasoning(), s.seed(), s.ranking().label(), s.search().label(), spec.splitSeed()),
                RunResult.Timings.of((System.nanoTime() - t0) / 1e9, steps),
                status,
                new RunResult.Export(format.encodePrompt(best), format.renderedText(spec.train().getFirst(), spec.preset().extractor(), best)),
                selection, cost);
        if (folder != null) folder.finish(result, steps);
        return result;
    }

    /** The final prompt: by dev accuracy among the top-k by train score, or the best by train score without a dev split. */
    private DevSelection choose(RunFolder folder, Evaluator evaluator, RunState end) throws IOException {
        if (spec.dev().isEmpty()) return DevSelection.byTrainScore(format.decodePrompt(end.bestPrompt()), end.bestScore(), end.history());
        List<DevSelection.Candidate> top = DevSelection.topByTrainScore(spec.initialPrompt(), end.initialScore(), end.history(), spec.devTopK());
        Map<String, Evaluation> dev = folder != null ? folder.devEvaluations() : new LinkedHashMap<>();
        int done = 0;
        for (DevSelection.Candidate c : top) {
            done++;
            if (dev.containsKey(c.prompt())) continue;
            dev.put(c.prompt(), evaluate(evaluator, c.prompt(), spec.dev(), "dev: prompt " + done + " of " + top.size()));
            if (folder != null) {
                folder.saveDevEvaluations(dev);
                FaultInjection.point("dev", done);
            }
        }
        DevSelection selection = DevSelection.byDevAccuracy(top, dev);
        progress.message("final prompt chosen by " + selection.rule() + ": " + selection.reason());
        return selection;
    }

    private Evaluation evaluate(Evaluator evaluator, String prompt, List<Example> examples, String what) {
        int n = examples.size();
        return evaluator.evaluate(prompt, examples, done -> progress.count(what, done, n));
    }

    /** What must match for a resume (run.json without the invocation and the estimate). */
    private Map<String, Object> identity() {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("model", spec.modelName());
        id.put("task", spec.taskName());
        id.put("train_size", spec.train().size());
        id.put("dev_size", spec.dev().size());
        id.put("test_size", spec.test().size());
        id.put("dev_top_k", spec.devTopK());
        id.put("initial_prompt", spec.initialPrompt());
        id.put("extractor", spec.preset().extractor());
        id.put("data_sha256", dataHash());
        id.put("settings", spec.settings());
        id.put("randomness", RunRandomness.describe(spec.splitSeed(), spec.settings()));
        return id;
    }

    /** SHA-256 of the three splits' questions and answers, so a data file changed under a run folder is noticed. */
    private String dataHash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (List<Example> split : List.of(spec.train(), spec.dev(), spec.test())) {
                for (Example e : split) {
                    md.update(e.question().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    md.update(e.answer().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
                md.update((byte) 1);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
