package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numbers of a run as the README's "The run folder" states them, on a real demo run: the
 * console's {@code step k/N} is the trace line {@code "step": k-1}; checkpoint.json's {@code step}
 * and result.json's {@code steps} count the steps done; result.json's phase seconds are the trace's
 * sums, and a step whose reasoning was carried over spends its reasoning phase on no generation
 * (that work was done, and counted, in the previous step's selection).
 */
class StepNumbersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern STEP_LINE = Pattern.compile("^step (\\d+)/(\\d+) pos (\\d+) \\| .* \\| '(.*)' \\| best ");

    @Test
    void consoleFilesAndReportAgreeOnWhatEachNumberMeans(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        String console = stderrOf("optimize", "--steps", "3", "--train", "3", "--test", "3", "--max-reasoning-tokens", "12",
                "--candidates", "3", "--topk", "8", "--out", out.toString());
        List<JsonNode> trace = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("trace.jsonl"))) trace.add(JSON.readTree(line));
        List<Matcher> shown = console.lines().map(STEP_LINE::matcher).filter(Matcher::find).toList();
        assertEquals(trace.size(), shown.size(), console);
        assertTrue(!trace.isEmpty(), console);
        for (Matcher m : shown) {
            int k = Integer.parseInt(m.group(1));
            assertTrue(k >= 1 && k <= trace.size(), "the console counts steps from 1: " + m.group());
            JsonNode line = trace.get(k - 1);
            assertEquals(k - 1, line.get("step").asInt(), "console step " + k + " is the trace's step " + (k - 1));
            assertEquals(Integer.parseInt(m.group(3)), line.get("position").asInt());
            assertEquals(m.group(4), line.get("chosenToken").asText());
        }
        JsonNode checkpoint = JSON.readTree(out.resolve("checkpoint.json").toFile());
        JsonNode result = JSON.readTree(out.resolve("result.json").toFile());
        assertEquals(trace.size(), checkpoint.get("step").asInt(), "checkpoint.json: steps done");
        assertEquals(trace.size(), result.get("steps").asInt(), "result.json: steps done");
        for (JsonNode c : result.get("selection").get("candidates")) {
            int step = c.get("step").asInt();
            assertTrue(step >= -1 && step < trace.size(), "a candidate's step is a trace index or -1 (initial): " + c);
        }
        String report = Files.readString(out.resolve("report.html"));
        for (JsonNode line : trace) {
            assertTrue(report.contains("<tr><td>" + (line.get("step").asInt() + 1) + "</td><td>" + line.get("position").asInt() + "</td>"),
                    "the report's table numbers steps as the console does");
        }

        double seconds = 0, generation = 0, gradient = 0, selection = 0;
        int reused = 0;
        for (JsonNode line : trace) {
            seconds += line.get("seconds").asDouble();
            generation += line.get("generationSeconds").asDouble();
            gradient += line.get("gradientSeconds").asDouble();
            selection += line.get("selectionSeconds").asDouble();
            if (line.get("reasoningReused").asBoolean()) {
                reused++;
                assertTrue(line.get("generationSeconds").asDouble() < line.get("selectionSeconds").asDouble(),
                        "reasoning carried over: nothing generated in the reasoning phase, all of it in selection: " + line);
            }
        }
        assertTrue(reused > 0, "the default run carries reasoning over");
        assertEquals(seconds, result.get("seconds_per_step").asDouble() * trace.size(), 1e-6);
        assertEquals(generation, result.get("generation_seconds").asDouble(), 1e-9);
        assertEquals(gradient, result.get("gradient_seconds").asDouble(), 1e-9);
        assertEquals(selection, result.get("selection_seconds").asDouble(), 1e-9);
        assertTrue(report.contains("carried over"), "the report's phase chart says where carried-over reasoning is counted");
    }

    /** Runs the CLI in this JVM and returns what it printed on stderr (the progress lines). */
    static String stderrOf(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(buf, true));
        CommandsTest.Run r;
        try {
            r = CommandsTest.run(args);
        } finally {
            System.setErr(old);
        }
        assertEquals(0, r.code(), r.err() + buf);
        return buf.toString();
    }
}
