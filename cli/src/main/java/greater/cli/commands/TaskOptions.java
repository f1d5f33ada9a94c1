package greater.cli.commands;

import greater.optimizer.greater.GreaterPreset;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.task.Datasets;
import greater.optimizer.task.Task;
import greater.optimizer.task.TaskPreset;
import greater.tensor.UserInputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code --task NAME|FILE} and the split: a preset name whose data is found under
 * {@code --data-dir} (default {@code ../shared/data} beside the checkout), the built-in
 * {@code arithmetic} demo task, or a data file (.csv, .json, .jsonl) whose file stem may name a
 * preset.
 */
public final class TaskOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--task", paramLabel = "NAME|FILE", description = "Task preset name (BBH task, gsm8k, folio, arithmetic) or a data file. Default: the built-in arithmetic demo.")
    String task;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where preset data lives (bbh/NAME.csv, gsm8k/, folio/). Default: ../shared/data.")
    Path dataDir;

    @Option(names = "--extractor", paramLabel = "S", description = "Extractor text that follows the reasoning (default: the task preset's).")
    String extractor;

    @Option(names = "--preset", paramLabel = "NAME", description = "Settings, initial prompt and split sizes to start from: paper (the official code's) "
            + "or demo; the footer lists both. Default: demo for the built-in arithmetic task, paper for any other.")
    Optional<String> preset;

    @Option(names = "--train", paramLabel = "N", description = "Train examples (default: the preset's).")
    Optional<Integer> train;

    @Option(names = "--test", paramLabel = "N", description = "Held-out test examples (default: the preset's).")
    Optional<Integer> test;

    @Option(names = "--dev", defaultValue = "0", paramLabel = "N", description = "Dev examples, taken after train and before test, that choose the final prompt among the best by train score (default 0: none).")
    int dev;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "N", description = "Skip this many examples first.")
    int offset;

    @Option(names = "--split-seed", defaultValue = "0", paramLabel = "S", description = "Shuffle before splitting (0 = file order, as the official code; demo: draw other train and test problems).")
    long splitSeed;

    long splitSeed() {
        return splitSeed;
    }

    boolean isDemo() {
        return task == null || task.equals("arithmetic");
    }

    String name() {
        return task == null ? "arithmetic" : task;
    }

    /**
     * The preset named by {@code --preset}, else the demo's for the built-in arithmetic task and
     * the paper's for any other.
     */
    GreaterPreset preset() {
        return preset.map(name -> SettingFlags.check(command, () -> GreaterPreset.named(name)))
                .orElse(isDemo() ? GreaterPreset.DEMO : GreaterPreset.PAPER);
    }

    int trainSize() {
        return train.orElseGet(() -> preset().trainSize());
    }

    int testSize() {
        return test.orElseGet(() -> preset().testSize());
    }

    /**
     * The usage footer of {@code optimize} and {@code evaluate}: each preset's values under the
     * flags that change them, so the help shows the one default of every setting.
     */
    public static String presetsHelp() {
        StringBuilder b = new StringBuilder(String.format("%nPresets (--preset NAME; a flag given replaces one value):%n"));
        for (GreaterPreset p : GreaterPreset.all()) {
            GreaterSettings s = p.settings();
            b.append(String.format(Locale.ROOT, "  %-6s --steps %d --topk %d --topq %d --candidates %d --fluency-weight %s%n"
                            + "         --max-reasoning-tokens %d --reasoning-stop %s%n         --seed %d --train %d --test %d%n"
                            + "         --initial-prompt \"%s\"%n",
                    p.name(), s.steps(), s.topK(), s.topQ(), s.selectionCandidates(), s.fluencyWeight(), s.maxReasoningTokens(),
                    s.reasoningStop().label(), s.seed(), p.trainSize(), p.testSize(), p.initialPrompt()));
        }
        return b.toString().replace("%", "%%"); // picocli formats the footer
    }

    /** The task and its split: train, dev, test. */
    Task.Split split(Task t) {
        int tr = trainSize(), te = testSize();
        if (tr < 1) throw new UserInputException("--train must be >= 1, got " + tr);
        if (te < 1) throw new UserInputException("--test must be >= 1, got " + te); // both commands end by evaluating on it
        if (dev < 0) throw new UserInputException("--dev must be >= 0, got " + dev);
        if (offset < 0) throw new UserInputException("--offset must be >= 0, got " + offset);
        return isDemo() ? DemoTask.split(tr, dev, te, offset, splitSeed) : t.split(tr, dev, te, offset, splitSeed);
    }

    /**
     * Makes the options independent of the working directory (an existing task file and the data
     * folder become absolute paths), so they can be recorded in run.json and replayed from anywhere.
     */
    void makeAbsolute() {
        if (task != null && Files.isRegularFile(Path.of(task))) task = Path.of(task).toAbsolutePath().normalize().toString();
        if (!isDemo() && !Files.isRegularFile(Path.of(task))) dataDir = dataRoot().toAbsolutePath().normalize();
    }

    private Path dataRoot() {
        return dataDir != null ? dataDir : Path.of("..", "shared", "data");
    }

    Task load() {
        if (isDemo()) return withExtractor(DemoTask.task());
        Path file = Path.of(task);
        if (Files.isRegularFile(file)) {
            String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            TaskPreset preset = TaskPreset.names().contains(stem) ? TaskPreset.named(stem)
                    : new TaskPreset(stem, "Therefore, the final answer is $", greater.optimizer.task.AnswerFormat.TEXT);
            return withExtractor(new Task(preset, Datasets.read(file)));
        }
        if (!TaskPreset.names().contains(task)) {
            throw new UserInputException("--task: '" + task + "' is neither a task name nor an existing file (task names: "
                    + String.join(", ", TaskPreset.names()) + ")");
        }
        TaskPreset preset = TaskPreset.named(task);
        return withExtractor(new Task(preset, Datasets.read(presetData(task))));
    }

    private Task withExtractor(Task t) {
        return extractor == null ? t : new Task(SettingFlags.check(command, () -> t.preset().withExtractor(extractor)), t.examples());
    }

    private Path presetData(String name) {
        Path root = dataRoot();
        List<Path> candidates = switch (name) {
            case "gsm8k" -> List.of(root.resolve("gsm8k/train.jsonl"));
            case "folio" -> List.of(root.resolve("folio/train.csv"));
            default -> List.of(root.resolve("bbh/" + name + ".csv"), root.resolve("bbh/" + name + ".json"));
        };
        for (Path p : candidates) if (Files.isRegularFile(p)) return p;
        throw new UserInputException("--task " + name + ": no data at " + candidates.getFirst() + " (pass --data-dir DIR or a data file)");
    }
}
