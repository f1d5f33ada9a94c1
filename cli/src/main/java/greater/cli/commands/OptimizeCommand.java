package greater.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.optimizer.greater.CandidateRanking;
import greater.optimizer.greater.ExecutionSettings;
import greater.optimizer.greater.GreaterPreset;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.ReasoningStop;
import greater.optimizer.greater.SearchSchedule;
import greater.optimizer.run.Budget;
import greater.optimizer.run.CostEstimate;
import greater.optimizer.run.OptimizationRun;
import greater.optimizer.run.Progress;
import greater.optimizer.run.RunFolder;
import greater.optimizer.run.RunFolderException;
import greater.optimizer.run.RunResult;
import greater.optimizer.task.Task;
import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.infer.Generator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code greater optimize}: a GReaTer run; with no arguments, the built-in demo. {@code --resume DIR}
 * takes everything from {@code DIR/run.json} (model, template, task, data, splits, every setting);
 * flags that would change the run are refused by name, those that only change its cost or display
 * ({@code --budget}, {@code --quiet}, {@code --dry-run}) are allowed.
 */
@Command(name = "optimize", mixinStandardHelpOptions = true, description = "Optimize a prompt with GReaTer (gradients over reasoning). No arguments: the built-in demo.")
public final class OptimizeCommand implements Callable<Integer> {
    @Mixin
    OptionalModel model;
    @Mixin
    TaskOptions task;

    // Settings: each flag given replaces the preset's value (--preset; the usage's footer lists both presets).
    @Option(names = "--steps", paramLabel = "N", description = "Optimization steps (default: the preset's).")
    Optional<Integer> steps;
    @Option(names = "--topk", paramLabel = "K", description = "Top-k tokens per sample for the candidate set (default: the preset's).")
    Optional<Integer> topK;
    @Option(names = "--topq", paramLabel = "Q", description = "Random subset intersections (default: the preset's).")
    Optional<Integer> topQ;
    @Option(names = "--candidates", paramLabel = "N", description = "Candidates re-scored per step, steepest gradient first (default: the preset's).")
    Optional<Integer> candidates;
    @Option(names = {"--initial-prompt", "--control-init"}, paramLabel = "S", description = "Initial prompt (default: the preset's; --control-init is its old name).")
    Optional<String> initialPrompt;
    @Option(names = {"--fluency-weight", "--control-weight"}, paramLabel = "W", description = "Fluency weight λ (default: the preset's; --control-weight is its old name).")
    Optional<Float> fluencyWeight;
    @Option(names = "--seed", paramLabel = "S", description = "Seed of the candidate subsets and of the random ranking (default: the preset's); --split-seed draws the data.")
    Optional<Long> seed;
    @Option(names = "--max-reasoning-tokens", paramLabel = "N", description = "Most reasoning tokens per sample (default: the preset's).")
    Optional<Integer> maxReasoning;
    @Option(names = "--no-reasoning", description = "Ablation: gradient from the answer directly, without a reasoning chain.")
    boolean noReasoning;
    @Option(names = "--ranking", paramLabel = "R", description = "Order candidates are re-scored in: gradient (GReaTer; both presets), random or loss (exact loss by a forward pass per candidate); ablations keep the candidate set and budget.")
    Optional<String> ranking;
    @Option(names = "--search", paramLabel = "S", description = "Search schedule: official (both presets) or hill-climb (keep a move only if no worse; revisit positions instead of growing).")
    Optional<String> search;
    @Option(names = "--reasoning-stop", paramLabel = "R", description = "Where reasoning ends: end-of-turn (the official code; paper preset) or extractor (also before the model writes the extractor itself; demo preset).")
    Optional<String> reasoningStop;
    @Option(names = "--no-prefix-reuse", description = "Recompute the question prefix every time (for timing comparisons).")
    boolean noPrefixReuse;
    @Option(names = "--token-budget", defaultValue = "" + Generator.DEFAULT_TOKEN_BUDGET, paramLabel = "N", description = "KV positions held at once by one batch of sequences; bounds memory (default ${DEFAULT-VALUE}).")
    int tokenBudget;
    @Option(names = "--no-batching", description = "One sequence per forward pass (for timing and debugging; same results).")
    boolean noBatching;
    @Option(names = "--no-reuse", description = "Regenerate reasoning every step and recompute the prompt before the edited position (same results).")
    boolean noReuse;
    @Option(names = "--no-draft", description = "Decode regenerated reasoning token by token instead of verifying the current one as a draft (same results).")
    boolean noDraft;
    @Option(names = "--dev-top-k", defaultValue = "5", paramLabel = "K", description = "With --dev: how many of the best prompts by train score are scored on dev (default 5).")
    int devTopK;
    @Option(names = "--out", paramLabel = "DIR", description = "Write run.json, trace, checkpoints, result.json and report.html here (default runs/<task>-<time>).")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR; everything is read from DIR/run.json.")
    Path resume;
    @Option(names = "--budget", paramLabel = "LIMIT", description = "Stop cleanly (best prompt evaluated, folder resumable) before a step that would pass this limit: a time (90s, 20min, 1.5h) or generated tokens (50000tokens, 200k tokens).")
    String budget;
    @Option(names = "--dry-run", description = "Print what the run would cost (tokens, and seconds at the speed and reasoning length measured on 3 train samples) and exit.")
    boolean dryRun;
    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** Flags that change only the cost or the display of a run: allowed with --resume. */
    private static final Set<String> COST_OR_DISPLAY = Set.of("--resume", "--budget", "--dry-run", "--quiet", "--verbose",
            "--token-budget", "--no-batching", "--no-reuse", "--no-draft");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The options that rebuild a run, as run.json's "invocation" records them (paths absolute). */
    record Invocation(String model, String template, String task, String data_dir, String extractor,
                      int train, int dev, int test, int offset, long split_seed) {
    }

    private ExecutionSettings execution() {
        return SettingFlags.check(commandSpec, () -> new ExecutionSettings(tokenBudget, !noBatching, !noReuse, !noDraft));
    }

    @Override
    public Integer call() throws Exception {
        if (out != null && resume != null) throw new UserInputException("give either --out or --resume, not both");
        // A user pointing at the run's run.json means its folder.
        if (resume != null && Files.isRegularFile(resume) && resume.getFileName().toString().equals("run.json")) {
            resume = resume.toAbsolutePath().getParent();
        }
        if (resume != null && !Files.isRegularFile(resume.resolve("run.json"))) {
            throw new UserInputException("--resume: " + resume + (!Files.exists(resume) ? " does not exist"
                    : !Files.isDirectory(resume) ? " is not a folder" : " is not a run folder (no run.json)"));
        }
        Budget limit = budget != null ? SettingFlags.check(commandSpec, () -> Budget.parse(budget)) : Budget.NONE;
        RunFolder folder = null;
        GreaterSettings s;
        String init;
        int topKDev;
        if (resume != null) {
            refuseRunChangingFlags();
            folder = new RunFolder(resume);
            RunFolder.Recorded rec = folder.recorded();
            replay(rec.invocation(), folder.dir().resolve("run.json"));
            s = rec.settings();
            init = rec.initialPrompt();
            topKDev = Math.max(1, rec.devTopK());
        } else {
            GreaterPreset preset = task.preset();
            s = settings(preset);
            init = initialPrompt.orElse(preset.initialPrompt());
            topKDev = devTopK;
            model.makeAbsolute();
            task.makeAbsolute();
        }
        ExecutionSettings execution = execution(); // a bad --token-budget fails before anything loads
        Task t = task.load();
        Task.Split split = task.split(t);
        Progress progress = new Progress(System.err, quiet, s.steps());
        long t0 = System.nanoTime();
        try (LanguageModel lm = model.load()) {
            var format = model.format(lm);
            var spec = SettingFlags.check(commandSpec, () -> new OptimizationRun.Spec(model.name(), task.name(), t.preset(),
                    split.train(), split.dev(), split.test(), init, s, topKDev, JSON.convertValue(invocation(), Map.class), task.splitSeed()));
            var run = SettingFlags.check(commandSpec, () -> new OptimizationRun(lm.transformer(), format, spec, progress, execution));
            if (dryRun) {
                CostEstimate estimate = run.estimate(3);
                System.out.println(estimate.describe());
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(estimate));
                return 0;
            }
            RunResult r;
            if (folder != null) {
                r = run.resume(folder, limit);
            } else {
                folder = new RunFolder(out != null ? out : Path.of("runs", Path.of(task.name()).getFileName() + "-" + System.currentTimeMillis() / 1000));
                r = run.run(folder, limit);
            }
            RunResult.Outcome o = r.outcome();
            int n = r.sizes().test_size(), done = r.method().steps();
            System.out.printf(Locale.ROOT, "initial prompt: %s%n  accuracy %.1f%% on %d test examples%n", o.initial_prompt(), 100 * o.initial_accuracy(), n);
            System.out.printf(Locale.ROOT, "final prompt:   %s%n  accuracy %.1f%% on %d test examples (chosen by %s)%n", o.final_prompt(),
                    100 * o.final_accuracy(), n, r.selection().rule());
            System.out.printf(Locale.ROOT, "%d steps, %.1f s of optimization (%.1f s for this command); %s; %s%n", done, r.timings().seconds_per_step() * done,
                    (System.nanoTime() - t0) / 1e9, r.method().reasoning() ? "with reasoning" : "ablation: no reasoning", r.status());
            System.out.printf(Locale.ROOT, "%s ranking, %s search%s%n", s.ranking().label(), s.search().label(), !s.useReasoning() ? ""
                    : s.reasoningStop() == ReasoningStop.EXTRACTOR ? ", reasoning stops at the model's own extractor" : ", reasoning stops at the end of the turn");
            System.out.println("results: " + folder.resultFile() + "\nreport:  " + folder.reportFile());
        }
        return 0;
    }

    /** The preset's settings with each setting flag given applied over it. */
    private GreaterSettings settings(GreaterPreset preset) {
        GreaterSettings.Builder b = preset.settings().toBuilder();
        steps.ifPresent(b::steps);
        topK.ifPresent(b::topK);
        topQ.ifPresent(b::topQ);
        candidates.ifPresent(b::selectionCandidates);
        fluencyWeight.ifPresent(b::fluencyWeight);
        maxReasoning.ifPresent(b::maxReasoningTokens);
        seed.ifPresent(b::seed);
        if (noReasoning) b.useReasoning(false);
        if (noPrefixReuse) b.prefixReuse(false);
        return SettingFlags.check(commandSpec, () -> {
            ranking.map(CandidateRanking::parse).ifPresent(b::ranking);
            search.map(SearchSchedule::parse).ifPresent(b::search);
            reasoningStop.map(ReasoningStop::parse).ifPresent(b::reasoningStop);
            return b.build();
        });
    }

    private Invocation invocation() {
        return new Invocation(model.dir == null ? null : model.dir.toString(), model.template, task.task,
                task.dataDir == null ? null : task.dataDir.toString(), task.extractor, task.trainSize(), task.dev, task.testSize(),
                task.offset, task.splitSeed);
    }

    /** Sets the model and task options from run.json's record of them. */
    private void replay(Map<String, Object> recorded, Path runJson) {
        if (recorded.isEmpty()) {
            throw new RunFolderException(runJson + ": no \"invocation\" (written before runs resumed from their folder alone); "
                    + "resume it with the greater version that started it");
        }
        Invocation inv;
        try {
            inv = JSON.convertValue(recorded, Invocation.class);
        } catch (IllegalArgumentException e) {
            throw new RunFolderException(runJson + ": \"invocation\" is not usable: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        try {
            model.dir = inv.model() == null ? null : Path.of(inv.model());
            task.dataDir = inv.data_dir() == null ? null : Path.of(inv.data_dir());
        } catch (java.nio.file.InvalidPathException e) {
            throw new RunFolderException(runJson + ": \"invocation\" holds an invalid path: " + e.getMessage(), e);
        }
        model.template = inv.template();
        task.task = inv.task();
        task.extractor = inv.extractor();
        task.train = Optional.of(inv.train());
        task.dev = inv.dev();
        task.test = Optional.of(inv.test());
        task.offset = inv.offset();
        task.splitSeed = inv.split_seed();
    }

    /** With --resume, every flag given besides cost and display ones would change the run: refuse them by name. */
    private void refuseRunChangingFlags() {
        Set<String> given = new TreeSet<>();
        for (CommandLine.Model.OptionSpec o : commandSpec.commandLine().getParseResult().matchedOptions()) {
            if (!COST_OR_DISPLAY.contains(o.longestName())) given.add(o.longestName());
        }
        if (!given.isEmpty()) {
            throw new UserInputException("--resume takes the model, task, data and every setting from " + resume.resolve("run.json")
                    + "; these flags would change the run: " + String.join(", ", given)
                    + " (allowed: " + String.join(", ", new TreeSet<>(List.copyOf(COST_OR_DISPLAY))) + ")");
        }
    }
}
