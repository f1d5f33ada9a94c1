package greater.optimizer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import greater.optimizer.greater.RunState;
import greater.optimizer.greater.StepRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A run's output folder ({@code --out DIR}):
 * <ul>
 *   <li>{@code run.json}: what the run is (model, task, settings), checked on resume;</li>
 *   <li>{@code trace.jsonl}: one line per step;</li>
 *   <li>{@code checkpoint.json}: the {@link RunState} after the last finished step, replaced atomically;</li>
 *   <li>{@code result.json} and {@code report.html} at the end.</li>
 * </ul>
 * A run killed mid-step loses only that step: the trace is rewritten from the checkpoint's
 * history on resume, so it never holds a step the checkpoint does not.
 */
public final class RunFolder {
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final Path dir;

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

    /** Creates the folder and records the run's identity. */
    public void create(Map<String, Object> identity) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("run.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(identity));
        Files.deleteIfExists(dir.resolve("trace.jsonl"));
        Files.deleteIfExists(dir.resolve("checkpoint.json"));
    }

    /** The identity recorded by {@link #create}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> identity() throws IOException {
        try {
            return JSON.readValue(dir.resolve("run.json").toFile(), Map.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new NoSuchFileException(dir + ": not a run folder (no run.json)");
        }
    }

    /** The state after the last finished step, or null when no step finished yet. */
    public RunState checkpoint() throws IOException {
        Path f = dir.resolve("checkpoint.json");
        if (!Files.exists(f)) return null;
        try {
            return JSON.readValue(f.toFile(), RunState.class);
        } catch (IOException e) {
            throw new IOException(f + ": unreadable checkpoint: " + e.getMessage(), e);
        }
    }

    /** Called after each step: the trace line, then the checkpoint (atomically). */
    public void stepDone(StepRecord record, RunState state) throws IOException {
        Files.writeString(dir.resolve("trace.jsonl"), JSON.writeValueAsString(record) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        AtomicFiles.write(dir.resolve("checkpoint.json"), JSON.writeValueAsString(state));
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

    public <T> T load(String name, Class<T> type) throws IOException {
        Path f = dir.resolve(name);
        return Files.exists(f) ? JSON.readValue(f.toFile(), type) : null;
    }

    public void finish(RunResult result, List<StepRecord> steps) throws IOException {
        AtomicFiles.write(resultFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        AtomicFiles.write(reportFile(), Report.html(result, steps));
    }
}
