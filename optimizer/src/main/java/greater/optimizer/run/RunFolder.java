package greater.optimizer.run;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.optimizer.eval.Evaluation;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.RunState;
import greater.optimizer.greater.StepRecord;
import greater.tensor.UserInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's output folder ({@code --out DIR}):
 * <ul>
 *   <li>{@code run.json}: everything the run is (model, task, data, splits, settings, and the front
 *       end's options that rebuild it), so {@code --resume DIR} needs nothing else; plus the cost
 *       estimate;</li>
 *   <li>{@code trace.jsonl}: one line per step;</li>
 *   <li>{@code checkpoint.json}: the {@link RunState} after the last finished step, replaced atomically;</li>
 *   <li>{@code initial_evaluation.json}, {@code dev_evaluations.json}, {@code final_evaluation.json}:
 *       evaluations kept so a resumed run does not repeat them;</li>
 *   <li>{@code result.json} and {@code report.html} at the end.</li>
 * </ul>
 * A run killed anywhere loses at most the step in progress: the trace is rewritten from the
 * checkpoint's history on resume, so it never holds a step the checkpoint does not. Every problem
 * reading the folder is a {@link RunFolderException} naming the file.
 */
public final class RunFolder {
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final Path dir;

    /**
     * What {@code run.json} records. {@code invocation} is the front end's own record of its
     * options (for the CLI: model folder, task, data folder, split sizes), opaque to the library.
     */
    public record Recorded(String model, String task, int trainSize, int devSize, int testSize, int devTopK,
                           String initialPrompt, String extractor, String dataSha256, GreaterSettings settings,
                           Map<String, Object> invocation, Map<String, Object> identity) {
    }

    public RunFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path resultFile() {
        return dir.resolve("result.json");
    }

    public Path reportFile() {
        return dir.resolve("report.html");
    }

    /**
     * Creates the folder and writes {@code run.json}; a fresh run drops an earlier run's trace, checkpoint and evaluations.
     * Throws {@link RunFolderException} when the folder cannot be created (a file is in the way, no permission).
     */
    public void create(Map<String, Object> runJson) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new RunFolderException(dir + ": cannot be the run folder, it is a file");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            throw new RunFolderException(dir + ": cannot create the run folder (" + why + ")", e);
        }
        AtomicFiles.write(dir.resolve("run.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(runJson));
        for (String f : List.of("trace.jsonl", "checkpoint.json", "initial_evaluation.json", "dev_evaluations.json",
                "final_evaluation.json", "result.json", "report.html")) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    /** Reads and checks {@code run.json}. */
    @SuppressWarnings("unchecked")
    public Recorded recorded() {
        Path f = dir.resolve("run.json");
        if (!Files.isRegularFile(f)) throw new RunFolderException(dir + ": not a run folder (no run.json)");
        JsonNode root;
        try {
            root = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new RunFolderException(f + ": not valid JSON: " + firstLine(e), e);
        }
        if (root == null || !root.isObject()) throw new RunFolderException(f + ": not a JSON object");
        JsonNode settingsNode = root.get("settings");
        if (settingsNode == null || !settingsNode.isObject()) throw new RunFolderException(f + ": \"settings\" is missing or not an object");
        GreaterSettings settings;
        try {
            // Over the defaults, so a run.json written before a setting existed still resumes (with its default).
            ObjectNode merged = JSON.valueToTree(GreaterSettings.defaults());
            merged.setAll((ObjectNode) settingsNode);
            settings = JSON.treeToValue(merged, GreaterSettings.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new RunFolderException(f + ": \"settings\" are not usable: " + firstLine(e), e);
        } catch (UserInputException e) {
            throw new RunFolderException(f + ": \"settings\": " + e.getMessage(), e);
        }
        JsonNode inv = root.get("invocation");
        if (inv != null && !inv.isObject() && !inv.isNull()) throw new RunFolderException(f + ": \"invocation\" is not an object");
        Map<String, Object> identity = JSON.convertValue(root, Map.class);
        identity.remove("estimate");
        // A setting added since the run started is compared at the default it resumes with
        // (through JSON text, as the resuming side compares it: a float setting reads back as a double)
        try {
            identity.put("settings", JSON.readValue(JSON.writeValueAsString(settings), Map.class));
        } catch (JacksonException e) {
            throw new IllegalStateException("settings always serialize", e);
        }
        return new Recorded(text(f, root, "model"), text(f, root, "task"), count(f, root, "train_size"), count(f, root, "dev_size"),
                count(f, root, "test_size"), count(f, root, "dev_top_k"), text(f, root, "initial_prompt"), text(f, root, "extractor"),
                text(f, root, "data_sha256"), settings,
                inv == null || inv.isNull() ? Map.of() : JSON.convertValue(inv, Map.class), identity);
    }

    private static String text(Path f, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !v.isTextual()) throw new RunFolderException(f + ": \"" + key + "\" is missing or not a string");
        return v.textValue();
    }

    private static int count(Path f, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null) return 0;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw new RunFolderException(f + ": \"" + key + "\" is not a count (a non-negative integer)");
        }
        return v.intValue();
    }

    /**
     * The state after the last finished step, or null when no step finished yet; checked against
     * the model's vocabulary and the run's settings, so a damaged checkpoint fails here with its
     * file named rather than deep inside a forward pass.
     */
    public RunState checkpoint(int vocabSize, int steps) {
        Path f = dir.resolve("checkpoint.json");
        if (!Files.exists(f)) return null;
        RunState s;
        try {
            s = JSON.readValue(f.toFile(), RunState.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new RunFolderException(f + ": unreadable checkpoint: " + firstLine(e), e);
        }
        String problem = problem(s, vocabSize, steps);
        if (problem != null) throw new RunFolderException(f + ": damaged checkpoint: " + problem);
        return s;
    }

    private static String problem(RunState s, int vocab, int steps) {
        if (s == null) return "null";
        if (s.prompt() == null || s.prompt().length == 0) return "no prompt";
        if (s.bestPrompt() == null || s.bestPrompt().length == 0) return "no best prompt";
        if (s.history() == null) return "no history";
        if (s.step() < 0 || s.step() > steps) return "step " + s.step() + " is outside [0, " + steps + "]";
        if (s.history().size() != s.step()) return s.history().size() + " history records for " + s.step() + " steps";
        if (s.position() < 0 || s.position() >= s.prompt().length) return "position " + s.position() + " is outside the prompt";
        if (s.initialPromptLength() < 1 || s.initialPromptLength() > s.prompt().length + s.step()) return "bad initial prompt length";
        for (int[] ids : List.of(s.prompt(), s.bestPrompt())) {
            for (int id : ids) if (id < 0 || id >= vocab) return "token id " + id + " is outside the vocabulary [0, " + vocab + ")";
        }
        if (!Float.isFinite(s.initialScore()) || !Float.isFinite(s.bestScore())) return "a score is not finite";
        for (int i = 0; i < s.history().size(); i++) {
            StepRecord r = s.history().get(i);
            if (r == null || r.step() != i || r.prompt() == null || r.bestPrompt() == null || r.selected() == null
                    || r.candidates() == null || r.chosenToken() == null) {
                return "history record " + i + " is incomplete";
            }
            for (StepRecord.Scored sc : r.selected()) if (sc == null || sc.prompt() == null) return "history record " + i + " is incomplete";
        }
        return null;
    }

    /** Called after each step: the trace line, then the checkpoint (atomically). */
    public void stepDone(StepRecord record, RunState state) throws IOException {
        Files.writeString(dir.resolve("trace.jsonl"), JSON.writeValueAsString(record) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        FaultInjection.point("trace", state.step());
        AtomicFiles.write(dir.resolve("checkpoint.json"), JSON.writeValueAsString(state), "checkpoint", state.step());
        FaultInjection.point("step", state.step());
    }

    /** Rewrites the trace from a checkpoint's history (drops a line of a step that never checkpointed). */
    public void rewriteTrace(List<StepRecord> history) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (StepRecord r : history) sb.append(JSON.writeValueAsString(r)).append('\n');
        AtomicFiles.write(dir.resolve("trace.jsonl"), sb.toString());
    }

    /** Stores a JSON value (e.g. the initial evaluation) so a resumed run need not recompute it. */
    public void save(String name, Object value) throws IOException {
        AtomicFiles.write(dir.resolve(name), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    /** A value stored by {@link #save}, or null when absent. */
    public <T> T load(String name, Class<T> type) {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) return null;
        try {
            return JSON.readValue(f.toFile(), type);
        } catch (IOException | IllegalArgumentException e) {
            throw new RunFolderException(f + ": unreadable: " + firstLine(e), e);
        }
    }

    /** The dev evaluations stored so far, by prompt. */
    Map<String, Evaluation> devEvaluations() {
        Evaluation[] stored = load("dev_evaluations.json", Evaluation[].class);
        Map<String, Evaluation> out = new LinkedHashMap<>();
        if (stored != null) for (Evaluation e : stored) if (e != null && e.prompt() != null) out.put(e.prompt(), e);
        return out;
    }

    void saveDevEvaluations(Map<String, Evaluation> byPrompt) throws IOException {
        save("dev_evaluations.json", new ArrayList<>(byPrompt.values()));
    }

    public void finish(RunResult result, List<StepRecord> steps) throws IOException {
        AtomicFiles.write(resultFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        AtomicFiles.write(reportFile(), Report.html(result, steps));
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
