package greater.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.UserInputException;
import greater.optimizer.eval.Evaluation;
import greater.optimizer.eval.Evaluator;
import greater.optimizer.run.Progress;
import greater.optimizer.task.Task;
import greater.transformer.LanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code greater evaluate --prompt S}: accuracy of a prompt on the held-out split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Accuracy of a prompt on the test split (reasoning, extractor, answer).")
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    OptionalModel model;
    @Mixin
    TaskOptions task;

    @Option(names = "--prompt", required = true, paramLabel = "S", description = "The prompt (instruction after the question).")
    String prompt;
    @Option(names = "--max-reasoning-tokens", defaultValue = "-1", paramLabel = "N", description = "Most reasoning tokens (default 256; demo: 100).")
    int maxReasoning;
    @Option(names = "--json", description = "Print one JSON line {\"accuracy\": x, \"n\": N, ...}.")
    boolean json;
    @Option(names = "--records", paramLabel = "FILE", description = "Write one JSON line per example (question, reasoning, extracted, gold, correct).")
    Path records;
    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Task t = task.load();
        var test = TaskOptions.nonEmpty(task.split(t).test(), "the test");
        int max = maxReasoning >= 1 ? maxReasoning : task.isDemo() ? 100 : 256;
        Progress progress = new Progress(System.err, quiet || json, 0);
        try (LanguageModel lm = model.load()) {
            var format = model.format(lm);
            if (format.encodePrompt(prompt).length == 0) throw new UserInputException("--prompt: '" + prompt + "' tokenizes to nothing");
            Evaluation e = new Evaluator(lm.transformer(), format, t.preset(), max)
                    .evaluate(prompt, test, done -> progress.count("evaluating", done, test.size()));
            ObjectMapper json = new ObjectMapper();
            if (records != null) {
                StringBuilder sb = new StringBuilder();
                for (Evaluation.Record r : e.records()) sb.append(json.writeValueAsString(r)).append('\n');
                Files.writeString(records, sb.toString());
            }
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
        }
        return 0;
    }
}
