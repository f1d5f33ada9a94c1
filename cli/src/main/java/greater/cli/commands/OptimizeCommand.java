package greater.cli.commands;

import greater.cli.UserInputException;
import greater.optimizer.greater.CandidateRanking;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.SearchSchedule;
import greater.optimizer.run.OptimizationRun;
import greater.optimizer.run.Progress;
import greater.optimizer.run.RunFolder;
import greater.optimizer.run.RunResult;
import greater.optimizer.task.Task;
import greater.transformer.LanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code greater optimize}: a GReaTer run; with no arguments, the built-in demo. */
@Command(name = "optimize", mixinStandardHelpOptions = true, description = "Optimize a prompt with GReaTer (gradients over reasoning). No arguments: the built-in demo.")
public final class OptimizeCommand implements Callable<Integer> {
    @Mixin
    OptionalModel model;
    @Mixin
    TaskOptions task;

    @Option(names = "--steps", defaultValue = "-1", paramLabel = "N", description = "Optimization steps (default 100; demo: 12).")
    int steps;
    @Option(names = "--topk", defaultValue = "-1", paramLabel = "K", description = "Top-k tokens per sample for the candidate set (default 40; demo: 12).")
    int topK;
    @Option(names = "--topq", defaultValue = "6", paramLabel = "Q", description = "Random subset intersections (default 6).")
    int topQ;
    @Option(names = "--candidates", defaultValue = "-1", paramLabel = "N", description = "Candidates re-scored per step, steepest gradient first (default 3, as the official code; demo: 8).")
    int candidates;
    @Option(names = "--control-init", paramLabel = "S", description = "Initial prompt (default: the official one; demo: a weak one).")
    String controlInit;
    @Option(names = "--control-weight", defaultValue = "0.2", paramLabel = "W", description = "Fluency weight λ (default 0.2).")
    float controlWeight;
    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the candidate subsets and of the random ranking (default 42); --split-seed draws the data.")
    long seed;
    @Option(names = "--max-reasoning-tokens", defaultValue = "-1", paramLabel = "N", description = "Most reasoning tokens per sample (default 256; demo: 100).")
    int maxReasoning;
    @Option(names = "--no-reasoning", description = "Ablation: gradient from the answer directly, without a reasoning chain.")
    boolean noReasoning;
    @Option(names = "--ranking", defaultValue = "gradient", paramLabel = "R", description = "Order candidates are re-scored in: gradient (GReaTer), random or loss (exact loss by a forward pass per candidate); ablations keep the candidate set and budget.")
    String ranking;
    @Option(names = "--search", defaultValue = "official", paramLabel = "S", description = "Search schedule: official (default) or hill-climb (keep a move only if no worse; revisit positions instead of growing).")
    String search;
    @Option(names = "--no-prefix-reuse", description = "Recompute the question prefix every time (for timing comparisons).")
    boolean noPrefixReuse;
    @Option(names = "--out", paramLabel = "DIR", description = "Write trace, checkpoints, result.json and report.html here (default runs/<task>-<time>).")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the interrupted run in DIR.")
    Path resume;
    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    /** A parsed choice, or the parser's message as a user error. */
    private static <T> T choice(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    static final String OFFICIAL_INIT = "proper logical reasoning and think step by step. Finally give the actual correct answer.";

    @Override
    public Integer call() throws Exception {
        if (out != null && resume != null) throw new UserInputException("give either --out or --resume, not both");
        if (resume != null && !Files.isRegularFile(resume.resolve("run.json"))) {
            throw new UserInputException("--resume: " + resume + " is not a run folder (no run.json)");
        }
        boolean demo = task.isDemo();
        GreaterSettings s = GreaterSettings.defaults()
                .withSteps(steps >= 0 ? steps : demo ? 12 : 100)
                .withTopK(topK >= 1 ? topK : demo ? 12 : 40)
                .withTopQ(topQ)
                .withSelectionCandidates(candidates >= 1 ? candidates : demo ? 8 : 3)
                .withControlWeight(controlWeight)
                .withMaxReasoningTokens(maxReasoning >= 1 ? maxReasoning : demo ? 100 : 256)
                .withReasoning(!noReasoning)
                .withPrefixReuse(!noPrefixReuse)
                .withSeed(seed)
                .withRanking(choice(() -> CandidateRanking.parse(ranking)))
                .withSearch(choice(() -> SearchSchedule.parse(search)));
        String init = controlInit != null ? controlInit : demo ? DemoTask.WEAK_PROMPT : OFFICIAL_INIT;
        Task t = task.load();
        Task.Split split = task.split(t);
        TaskOptions.nonEmpty(split.train(), "the train");
        TaskOptions.nonEmpty(split.test(), "the test");
        Progress progress = new Progress(System.err, quiet, s.steps());
        long t0 = System.nanoTime();
        try (LanguageModel lm = model.load()) {
            var format = model.format(lm);
            if (format.encodePrompt(init).length == 0) throw new UserInputException("--control-init: '" + init + "' tokenizes to nothing");
            var spec = new OptimizationRun.Spec(model.name(), task.name(), t.preset(), split.train(), split.test(), init, s, task.splitSeed());
            var run = new OptimizationRun(lm.transformer(), format, spec, progress);
            RunFolder folder;
            RunResult r;
            if (resume != null) {
                folder = new RunFolder(resume);
                r = run.resume(folder);
            } else {
                folder = new RunFolder(out != null ? out : Path.of("runs", task.name() + "-" + System.currentTimeMillis() / 1000));
                r = run.run(folder);
            }
            System.out.printf(Locale.ROOT, "initial prompt: %s%n  accuracy %.1f%% on %d held-out examples%n", r.initial_prompt(), 100 * r.initial_accuracy(), r.test_size());
            System.out.printf(Locale.ROOT, "final prompt:   %s%n  accuracy %.1f%% on %d held-out examples%n", r.final_prompt(), 100 * r.final_accuracy(), r.test_size());
            System.out.printf(Locale.ROOT, "%d steps, %.1f s of optimization (%.1f s for this command); %s, %s ranking, %s search%n", r.steps(), r.seconds_per_step() * r.steps(),
                    (System.nanoTime() - t0) / 1e9, r.reasoning() ? "gradient over reasoning" : "ablation: no reasoning", s.ranking().label(), s.search().label());
            System.out.println("results: " + folder.resultFile() + "\nreport:  " + folder.reportFile());
        }
        return 0;
    }
}
