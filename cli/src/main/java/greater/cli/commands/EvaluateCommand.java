package greater.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.optimizer.eval.Evaluation;
import greater.optimizer.eval.Evaluator;
import greater.optimizer.greater.ExecutionSettings;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.ReasoningStop;
import greater.optimizer.run.Progress;
import greater.optimizer.run.RunFolder;
import greater.optimizer.run.RunFolderException;
import greater.optimizer.task.Task;
import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.infer.Generator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code greater evaluate --prompt S}: accuracy of a prompt on the held-out split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Accuracy of a prompt on the test split (reasoning, extractor, answer).")
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    OptionalModel model;
    @Mixin
    TaskOptions task;

    static final class PromptSource {
        @Option(names = "--prompt", paramLabel = "S", description = "The prompt (instruction after the question).")
        String text;
        @Option(names = "--prompt-file", paramLabel = "FILE", description = "Read the prompt from a file: its text, or the final_prompt of a run's result.json (then evaluated as the run did: settings, model and split from the run.json beside it, unless flags given).")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource source;
    @Option(names = "--max-reasoning-tokens", paramLabel = "N", description = "Most reasoning tokens (default: the preset's).")
    Optional<Integer> maxReasoning;
    @Option(names = "--token-budget", defaultValue = "" + Generator.DEFAULT_TOKEN_BUDGET, paramLabel = "N", description = "KV positions held at once by one batch of examples; bounds memory (default ${DEFAULT-VALUE}; 1: one example at a time).")
    int tokenBudget;
    @Option(names = "--reasoning-stop", paramLabel = "R", description = "Where reasoning ends: end-of-turn (the official code; paper preset) or extractor (also before the model writes the extractor itself; demo preset).")
    Optional<String> reasoningStop;
    @Option(names = "--json", description = "Print one JSON line {\"accuracy\": x, \"n\": N, ...}.")
    boolean json;
    @Option(names = "--records", paramLabel = "FILE", description = "Write one JSON line per example (question, reasoning, extracted, gold, correct).")
    Path records;
    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // The preset's settings (or the run's, for its result.json) with the flags given over them,
        // checked before the model loads.
        Path runJson = source.file == null ? null : runJsonOf(source.file);
        RunFolder.Recorded run = runJson == null ? null : new RunFolder(runJson.getParent()).recorded();
        GreaterSettings.Builder b = (run != null ? run.settings() : task.preset().settings()).toBuilder();
        if (run != null) {
            adoptInvocation(run.invocation(), runJson);
            if (!quiet && !json) System.err.println("evaluating as the run did: settings, model and data split from " + runJson
                    + " (flags given replace them)");
        }
        maxReasoning.ifPresent(b::maxReasoningTokens);
        GreaterSettings settings = SettingFlags.check(spec, () -> {
            reasoningStop.map(ReasoningStop::parse).ifPresent(b::reasoningStop);
            return b.build();
        });
        ExecutionSettings execution = SettingFlags.check(spec, () -> new ExecutionSettings(tokenBudget, true, true, true));
        if (records != null) { // checked before the evaluation, not after it
            Path parent = records.toAbsolutePath().getParent();
            if (Files.isDirectory(records)) throw new UserInputException("--records: " + records + " is a folder; give a file name such as records.jsonl");
            if (parent == null || !Files.isDirectory(parent)) throw new UserInputException("--records: the folder " + parent + " does not exist");
        }
        String prompt = source.text != null ? source.text : readPrompt(source.file);
        Task t = task.load();
        var test = task.split(t).test();
        Progress progress = new Progress(System.err, quiet || json, 0);
        try (LanguageModel lm = model.load()) {
            var format = model.format(lm);
            if (format.encodePrompt(prompt).length == 0) throw new UserInputException((source.text != null ? "--prompt" : "--prompt-file") + ": '" + prompt + "' tokenizes to nothing");
            Evaluation e = SettingFlags.check(spec, () -> new Evaluator(lm.transformer(), format, t.preset(), settings.maxReasoningTokens(),
                    settings.reasoningStop(), execution.tokenBudget())
                    .evaluate(prompt, test, done -> progress.count("evaluating", done, test.size()))); // a bad --extractor fails before any generation
            ObjectMapper json = new ObjectMapper();
            if (this.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("accuracy", e.accuracy());
                m.put("n", e.n());
                m.put("correct", e.correct());
                m.put("prompt", prompt);
                m.put("task", task.name());
                System.out.println(json.writeValueAsString(m));
            } else {
                System.out.printf(Locale.ROOT, "accuracy %.1f%% (%d/%d) for prompt: %s%n", 100 * e.accuracy(), e.correct(), e.n(), prompt);
            }
            if (records != null) { // after the accuracy is printed, so a failed write loses none of the evaluation's result
                StringBuilder sb = new StringBuilder();
                for (Evaluation.Record r : e.records()) sb.append(json.writeValueAsString(r)).append('\n');
                try {
                    Files.writeString(records, sb.toString());
                } catch (IOException ex) {
                    String why = ex instanceof FileSystemException f && f.getReason() != null ? f.getReason() : ex.getClass().getSimpleName();
                    throw new UserInputException("--records: cannot write " + records + " (" + why + ")", ex);
                }
            }
        }
        return 0;
    }

    /** {@code file}'s run.json when {@code file} is a run folder's result.json, else null. */
    private static Path runJsonOf(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !file.getFileName().toString().equals("result.json")) return null;
        Path runJson = dir.resolve("run.json");
        return Files.isRegularFile(runJson) ? runJson : null;
    }

    /** The run's model, template, task and split (run.json's "invocation"), each unless its flag was given. */
    private void adoptInvocation(Map<String, Object> recorded, Path runJson) {
        if (recorded.isEmpty()) return;
        OptimizeCommand.Invocation inv;
        try {
            inv = new ObjectMapper().convertValue(recorded, OptimizeCommand.Invocation.class);
        } catch (IllegalArgumentException e) {
            throw new RunFolderException(runJson + ": \"invocation\" is not usable: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        var given = spec.commandLine().getParseResult();
        try {
            if (!given.hasMatchedOption("--model") && inv.model() != null) model.dir = Path.of(inv.model());
            if (!given.hasMatchedOption("--data-dir") && inv.data_dir() != null) task.dataDir = Path.of(inv.data_dir());
        } catch (java.nio.file.InvalidPathException e) {
            throw new RunFolderException(runJson + ": \"invocation\" holds an invalid path: " + e.getMessage(), e);
        }
        if (!given.hasMatchedOption("--template")) model.template = inv.template();
        if (!given.hasMatchedOption("--task")) task.task = inv.task();
        if (!given.hasMatchedOption("--extractor")) task.extractor = inv.extractor();
        if (!given.hasMatchedOption("--train")) task.train = Optional.of(inv.train());
        if (!given.hasMatchedOption("--dev")) task.dev = inv.dev();
        if (!given.hasMatchedOption("--test")) task.test = Optional.of(inv.test());
        if (!given.hasMatchedOption("--offset")) task.offset = inv.offset();
        if (!given.hasMatchedOption("--split-seed")) task.splitSeed = inv.split_seed();
    }

    /** The prompt in {@code file}: a result.json's final_prompt, or the file's text without its trailing newline. */
    static String readPrompt(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserInputException("--prompt-file: " + file + " is not UTF-8 text");
        } catch (java.io.IOException e) {
            throw new UserInputException("--prompt-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (text.stripLeading().startsWith("{")) {
            com.fasterxml.jackson.databind.JsonNode root;
            try {
                root = new ObjectMapper().readTree(text);
            } catch (java.io.IOException e) {
                // A .json file (a result.json cut short or edited by hand) must be JSON; other text is the prompt.
                if (file.getFileName().toString().endsWith(".json")) {
                    throw new UserInputException("--prompt-file: " + file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
                root = null;
            }
            if (root != null && root.isObject()) {
                var node = root.get("final_prompt");
                if (node != null && node.isTextual()) return node.textValue();
                throw new UserInputException("--prompt-file: " + file + " is a JSON object without a \"final_prompt\" string");
            }
        }
        String prompt = text.strip();
        if (prompt.isEmpty()) throw new UserInputException("--prompt-file: " + file + " is empty");
        return prompt;
    }
}
