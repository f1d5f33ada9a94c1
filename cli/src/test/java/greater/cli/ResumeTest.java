package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static greater.cli.CommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: a run killed anywhere (between steps, after a trace line, half-way through writing its
 * checkpoint, during the dev evaluations, before result.json) and resumed with
 * {@code greater optimize --resume DIR} alone ends exactly as the uninterrupted run: same final
 * prompt, accuracies, choice and trace (timings aside). The kills happen in a child JVM: a test
 * hook halts it at a named point as kill -9 would, and one run is killed from outside with
 * destroyForcibly at whatever moment it has reached.
 */
class ResumeTest {
    /** A small demo run: 4 steps, a dev split choosing among the top 3. */
    static final String[] RUN = {"optimize", "--quiet", "--steps", "4", "--train", "3", "--dev", "3", "--test", "3", "--dev-top-k", "3",
            "--max-reasoning-tokens", "12", "--candidates", "3", "--topk", "8"};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path reference;

    @BeforeAll
    static void uninterrupted() {
        reference = tmp.resolve("reference");
        CommandsTest.Run r = run(CommandsTest.concat(RUN, new String[]{"--out", reference.toString()}));
        assertEquals(0, r.code(), r.err());
    }

    /** A child JVM running the CLI with the given arguments (and system properties). */
    static Process child(List<String> properties, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(properties);
        cmd.add("greater.cli.GreaterCommand");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child-" + System.nanoTime() + ".log").toFile()).start();
    }

    /** The CLI in this JVM, crashing at {@code point} (see FaultInjection); the crash must happen. */
    static void crashAt(String point, String... args) {
        System.setProperty("greater.test.crash", point);
        try {
            CommandsTest.Run r = run(args);
            throw new AssertionError(point + ": no crash; exit " + r.code() + " " + r.err());
        } catch (Error e) {
            if (!e.getClass().getSimpleName().equals("Crash")) throw e;
        } finally {
            System.clearProperty("greater.test.crash");
        }
    }

    @Test
    void killedAtEveryKindOfPointAndResumedFromTheFolderAloneEndsAsTheUninterruptedRun() throws Exception {
        // A real kill -9 equivalent in a child JVM half-way through writing the checkpoint of step 2.
        Path halted = tmp.resolve("halted-checkpoint-2");
        Process p = child(List.of("-Dgreater.test.halt=checkpoint:2"), CommandsTest.concat(RUN, new String[]{"--out", halted.toString()}));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the child did not halt");
        assertEquals(137, p.exitValue(), "the child should have halted at its crash point");
        assertTrue(Files.exists(halted.resolve("checkpoint.json.tmp")), "a half-written checkpoint is left behind");
        assertEquals(2, Files.readAllLines(halted.resolve("trace.jsonl")).size(), "step 2's trace line is written, its checkpoint is not");
        CommandsTest.Run resumedHalted = run("optimize", "--resume", halted.toString(), "--quiet");
        assertEquals(0, resumedHalted.code(), resumedHalted.err());
        assertSameRun(reference, halted, "halt at checkpoint:2");

        // Every other kind of point, crashed in this JVM (the files left are those a kill leaves).
        for (String point : List.of("trace:3", "checkpoint:1", "step:1", "dev:2", "final:1")) {
            Path dir = tmp.resolve("killed-" + point.replace(':', '-'));
            crashAt(point, CommandsTest.concat(RUN, new String[]{"--out", dir.toString()}));
            assertFalse(Files.exists(dir.resolve("result.json")), point);
            CommandsTest.Run resumed = run("optimize", "--resume", dir.toString(), "--quiet");
            assertEquals(0, resumed.code(), point + ": " + resumed.err());
            assertSameRun(reference, dir, point);
        }
    }

    @Test
    void killedFromOutsideMidRunResumes() throws Exception {
        Path dir = tmp.resolve("destroyed");
        Process p = child(List.of(), CommandsTest.concat(RUN, new String[]{"--out", dir.toString()}));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Path trace = dir.resolve("trace.jsonl");
        while (p.isAlive() && System.nanoTime() < deadline && !(Files.exists(trace) && Files.size(trace) > 0)) Thread.sleep(20);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(dir.resolve("run.json")));
        CommandsTest.Run resumed = run("optimize", "--resume", dir.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        assertSameRun(reference, dir, "destroyForcibly");
    }

    /**
     * A run folder as main at 64b7c30 wrote it, before the settings' builder, the grouped trace
     * records and the fluency weight's rename from {@code controlWeight}: {@code RUN} halted after
     * step 2 ({@code -Dgreater.test.halt=step:2}), files kept in src/test/resources/resume-64b7c30.
     * It resumes (with the end-of-turn reasoning it was started under) and ends as today's
 * uninterrupted run with that rule, its trace lines keep their keys, and a
     * run.json holding the old and the new key with different values is refused naming both.
     */
    @Test
    void aRunFolderOfTheFormerFormatResumes() throws Exception {
        Path fixture = Path.of("src/test/resources/resume-64b7c30");
        Path dir = tmp.resolve("former-format");
        Files.createDirectories(dir);
        for (String f : List.of("run.json", "checkpoint.json", "trace.jsonl", "initial_evaluation.json")) {
            Files.copy(fixture.resolve(f), dir.resolve(f));
        }
        assertTrue(Files.readString(dir.resolve("run.json")).contains("\"controlWeight\" : 0.2"));
        assertEquals(2, Files.readAllLines(dir.resolve("trace.jsonl")).size(), "halted after step 2");
        CommandsTest.Run resumed = run("optimize", "--resume", dir.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        // 64b7c30 had only the official end-of-turn reasoning, which the folder resumes with.
        Path official = tmp.resolve("former-format-reference");
        CommandsTest.Run whole = run(CommandsTest.concat(RUN, new String[]{"--reasoning-stop", "end-of-turn", "--out", official.toString()}));
        assertEquals(0, whole.code(), whole.err());
        assertSameRun(official, dir, "former format");
        List<String> formerKeys = new ArrayList<>();
        JSON.readTree(Files.readAllLines(fixture.resolve("trace.jsonl")).getFirst()).fieldNames().forEachRemaining(formerKeys::add);
        for (String line : Files.readAllLines(dir.resolve("trace.jsonl"))) {
            List<String> keys = new ArrayList<>();
            JSON.readTree(line).fieldNames().forEachRemaining(keys::add);
            assertEquals(formerKeys, keys, "a trace line keeps the former keys in their order");
        }

        Path both = tmp.resolve("former-format-both-keys");
        Files.createDirectories(both);
        for (String f : List.of("checkpoint.json", "trace.jsonl", "initial_evaluation.json")) Files.copy(fixture.resolve(f), both.resolve(f));
        ObjectNode runJson = (ObjectNode) JSON.readTree(fixture.resolve("run.json").toFile());
        ((ObjectNode) runJson.get("settings")).put("fluencyWeight", 0.5);
        Files.writeString(both.resolve("run.json"), JSON.writeValueAsString(runJson));
        CommandsTest.Run refused = run("optimize", "--resume", both.toString(), "--quiet");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("\"controlWeight\" (0.2, the old name) and \"fluencyWeight\" (0.5)"), refused.err());
    }

    /**
     * Same prompts, ids, choices and accuracies exactly; losses, scores and gradients to 1e-4
     * relative: two JVMs do not agree to the last bit (the kernels' lane reductions run in whatever
     * order the JIT state gives them; differences of ~1e-7 relative are seen between two fresh runs).
     */
    static void assertSameRun(Path expected, Path actual, String what) throws IOException {
        JsonNode a = JSON.readTree(expected.resolve("result.json").toFile()), b = JSON.readTree(actual.resolve("result.json").toFile());
        for (String key : List.of("final_prompt", "final_prompt_ids", "initial_accuracy", "final_accuracy", "final_score", "steps",
                "selection", "rendered_example", "status")) {
            assertClose(a.get(key), b.get(key), what + ": " + key);
        }
        List<JsonNode> ta = untimed(expected.resolve("trace.jsonl")), tb = untimed(actual.resolve("trace.jsonl"));
        assertEquals(ta.size(), tb.size(), what + ": trace lines");
        for (int i = 0; i < ta.size(); i++) assertClose(ta.get(i), tb.get(i), what + ": trace line " + (i + 1));
    }

    static void assertClose(JsonNode a, JsonNode b, String where) {
        if (a != null && b != null && a.isFloatingPointNumber() && b.isNumber()) {
            double x = a.asDouble(), y = b.asDouble();
            assertTrue(Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(x)), where + ": " + x + " vs " + y);
        } else if (a != null && b != null && a.isContainerNode() && b.isContainerNode() && a.size() == b.size() && a.getNodeType() == b.getNodeType()) {
            if (a.isArray()) {
                for (int i = 0; i < a.size(); i++) assertClose(a.get(i), b.get(i), where + "[" + i + "]");
            } else {
                for (var e : a.properties()) assertClose(e.getValue(), b.get(e.getKey()), where + "." + e.getKey());
            }
        } else {
            assertEquals(a, b, where);
        }
    }

    /**
     * The trace without its timings and draft counters: those measure cost, and a resumed run
     * starts with an empty score cache for the current sweep (in memory, not in the checkpoint),
     * so it may verify a draft that the uninterrupted run had cached; the decisions are the same.
     */
    static List<JsonNode> untimed(Path trace) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            n.remove(List.of("seconds", "generationSeconds", "gradientSeconds", "selectionSeconds", "draftTokens", "draftAccepted"));
            out.add(n);
        }
        return out;
    }

    @Test
    void resumeRefusesRunChangingFlagsByNameAndAllowsCostAndDisplayOnes() throws Exception {
        Path dir = tmp.resolve("flags");
        Files.createDirectories(dir);
        for (String f : List.of("run.json", "checkpoint.json", "trace.jsonl", "initial_evaluation.json")) {
            Files.copy(reference.resolve(f), dir.resolve(f));
        }
        CommandsTest.Run wrong = run("optimize", "--resume", dir.toString(), "--steps", "6", "--train", "8", "--quiet");
        assertEquals(2, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("--steps") && wrong.err().contains("--train") && wrong.err().contains("would change the run"), wrong.err());
        assertEquals(1, wrong.err().strip().lines().filter(l -> l.startsWith("error:")).count(), wrong.err());

        CommandsTest.Run dry = run("optimize", "--resume", dir.toString(), "--dry-run", "--budget", "1h", "--quiet");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("4 steps over 3 train samples"), dry.out());

        CommandsTest.Run missing = run("optimize", "--resume", tmp.resolve("nothing").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: --resume: ") && missing.err().contains("does not exist"), missing.err());
        CommandsTest.Run notARun = run("optimize", "--resume", Files.createDirectories(tmp.resolve("not-a-run")).toString());
        assertEquals(2, notARun.code());
        assertTrue(notARun.err().startsWith("error: --resume: ") && notARun.err().contains("no run.json"), notARun.err());
    }

    @Test
    void aChangedDataFileIsRefusedOnResume() throws Exception {
        Path data = tmp.resolve("tiny.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) sb.append("{\"question\": \"What is ").append(i).append(" + 1?\", \"answer\": \"").append(i + 1).append("\"}\n");
        Files.writeString(data, sb.toString());
        Path dir = tmp.resolve("data-changed");
        crashAt("step:1", "optimize", "--quiet", "--task", data.toString(), "--train", "2", "--test", "2",
                "--steps", "3", "--max-reasoning-tokens", "4", "--candidates", "2", "--topk", "6", "--out", dir.toString());
        Files.writeString(data, sb.toString().replace("What is 0", "What is 9"));
        CommandsTest.Run r = run("optimize", "--resume", dir.toString(), "--quiet");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("data_sha256") && r.err().contains("the data changed"), r.err());
    }

    @Test
    void aBudgetStopsCleanlyWithAnEvaluatedBestPromptAndTheFolderResumesToTheEnd() throws Exception {
        Path dir = tmp.resolve("budget");
        JsonNode estimate = JSON.readTree(reference.resolve("run.json").toFile()).get("estimate");
        long perStep = estimate.get("generated_per_step").asLong();
        long budget = estimate.get("generated_before_steps").asLong() + estimate.get("generated_closing").asLong() + 2 * perStep;
        CommandsTest.Run r = run(CommandsTest.concat(RUN, new String[]{"--out", dir.toString(), "--budget", budget + "tokens"}));
        assertEquals(0, r.code(), r.err());
        JsonNode result = JSON.readTree(dir.resolve("result.json").toFile());
        assertEquals(2, result.get("steps").asInt(), "two steps fit the budget");
        assertTrue(result.get("status").asText().contains("stopped before step 3 of 4 by the token budget"), result.get("status").asText());
        assertTrue(result.get("final_accuracy").isNumber());

        // --resume also takes the folder's run.json itself
        CommandsTest.Run resumed = run("optimize", "--resume", dir.resolve("run.json").toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        assertSameRun(reference, dir, "budget then resume");

        CommandsTest.Run bad = run("optimize", "--budget", "soon");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error: --budget 'soon' is neither"), bad.err());
    }

    /** A run.json written before the reasoning stop existed resumes with the rule those runs used: the official end of turn. */
    @Test
    void aRunJsonWithoutTheReasoningStopResumesAtTheEndOfTheTurn() throws Exception {
        String[] official = CommandsTest.concat(RUN, new String[]{"--reasoning-stop", "end-of-turn"});
        Path whole = tmp.resolve("end-of-turn"), dir = tmp.resolve("end-of-turn-resumed");
        CommandsTest.Run r = run(CommandsTest.concat(official, new String[]{"--out", whole.toString()}));
        assertEquals(0, r.code(), r.err());
        assertEquals("END_OF_TURN", JSON.readTree(whole.resolve("run.json").toFile()).at("/settings/reasoningStop").asText());
        JsonNode estimate = JSON.readTree(whole.resolve("run.json").toFile()).get("estimate");
        long budget = estimate.get("generated_before_steps").asLong() + estimate.get("generated_closing").asLong()
                + 2 * estimate.get("generated_per_step").asLong();
        r = run(CommandsTest.concat(official, new String[]{"--out", dir.toString(), "--budget", budget + "tokens"}));
        assertEquals(0, r.code(), r.err());
        ObjectNode runJson = (ObjectNode) JSON.readTree(dir.resolve("run.json").toFile());
        ((ObjectNode) runJson.get("settings")).remove("reasoningStop");
        Files.writeString(dir.resolve("run.json"), JSON.writeValueAsString(runJson));
        CommandsTest.Run resumed = run("optimize", "--resume", dir.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        assertSameRun(whole, dir, "resumed from a run.json without reasoningStop");
    }

    @Test
    void dryRunPrintsTheEstimateAndWritesNothing() throws Exception {
        Path dir = tmp.resolve("dry");
        CommandsTest.Run r = run(CommandsTest.concat(RUN, new String[]{"--out", dir.toString(), "--dry-run"}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("per step (upper bound)") && r.out().contains("to score a prompt on one train sample; expected about"), r.out());
        JsonNode printed = JSON.readTree(r.out().substring(r.out().indexOf('{')));
        JsonNode recorded = JSON.readTree(reference.resolve("run.json").toFile()).get("estimate");
        assertEquals(recorded.get("generated_total"), printed.get("generated_total"), "the dry run counts what the run records");
        assertTrue(printed.get("seconds_total").asDouble() > 0);
        assertFalse(Files.exists(dir));
    }

    @Test
    void resultExportsThePromptAndEvaluateReadsItBack() throws Exception {
        JsonNode result = JSON.readTree(reference.resolve("result.json").toFile());
        assertTrue(result.get("final_prompt_ids").isArray() && !result.get("final_prompt_ids").isEmpty());
        String rendered = result.get("rendered_example").asText();
        assertTrue(rendered.contains("<|im_start|>user") && rendered.contains(". Use " + result.get("final_prompt").asText())
                && rendered.endsWith("<|im_start|>assistant\n"), rendered);
        assertEquals("dev accuracy", result.at("/selection/rule").asText());
        assertEquals(3, result.at("/selection/candidates").size());

        String[] split = {"--train", "3", "--dev", "3", "--test", "3", "--max-reasoning-tokens", "12", "--json", "--quiet"};
        for (Path file : List.of(reference.resolve("result.json"), Files.writeString(tmp.resolve("prompt.txt"), result.get("final_prompt").asText() + "\n"))) {
            CommandsTest.Run ev = run(CommandsTest.concat(new String[]{"evaluate", "--prompt-file", file.toString()}, split));
            assertEquals(0, ev.code(), ev.err());
            JsonNode e = JSON.readTree(ev.out());
            assertEquals(result.get("final_accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-12, file.toString());
            assertEquals(result.get("final_prompt").asText(), e.get("prompt").asText());
        }
        // A run's result.json alone: evaluated under the run's reasoning stop, limit and split, no flags repeated.
        Path other = tmp.resolve("other-settings");
        CommandsTest.Run r = run("optimize", "--quiet", "--steps", "2", "--train", "3", "--test", "6", "--split-seed", "3",
                "--max-reasoning-tokens", "12", "--reasoning-stop", "end-of-turn", "--topk", "8", "--out", other.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode otherResult = JSON.readTree(other.resolve("result.json").toFile());
        CommandsTest.Run ev = run("evaluate", "--prompt-file", other.resolve("result.json").toString(), "--json", "--quiet");
        assertEquals(0, ev.code(), ev.err());
        JsonNode e = JSON.readTree(ev.out());
        assertEquals(6, e.get("n").asInt());
        assertEquals(otherResult.get("final_accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-12, "as the run evaluated it");

        CommandsTest.Run missing = run("evaluate", "--prompt-file", tmp.resolve("none.txt").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: --prompt-file: cannot read"), missing.err());
    }

    @Test
    void theReportIsOneSelfContainedFileWithSeparateAxes() throws Exception {
        String html = Files.readString(reference.resolve("report.html"));
        assertEquals(4, html.split("<svg").length - 1, "score, loss, phases, accuracies");
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "nothing fetched or run");
        for (String s : List.of("best so far", "Gradient loss", "reasoning", "selection", "dev | ", "test | final", "100%", ">step<", ">4</text>")) {
            assertTrue(html.contains(s), "report lacks " + s);
        }
        assertNotEquals(-1, html.indexOf("chosen by"));
    }

    @Test
    void userErrorsExitTwoWithOneLineAndInternalErrorsSaySo() throws Exception {
        CommandsTest.Run setting = run("optimize", "--control-weight", "-1", "--steps", "1", "--train", "1", "--test", "1", "--quiet");
        assertEquals(2, setting.code(), setting.err());
        assertEquals("error: --control-weight must be a finite number >= 0, got -1.0", setting.err().strip());
        Path broken = tmp.resolve("broken-model");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"llama\"");
        CommandsTest.Run config = run("generate", "--model", broken.toString(), "--ids", "1", "--max-new-tokens", "1");
        assertEquals(2, config.code(), config.err());
        assertEquals(1, config.err().strip().lines().count(), config.err());
        assertTrue(config.err().contains("config.json"), config.err());
    }

    /** run.json holds every key a folder-only resume reads, and the machine a bitwise rerun depends on. */
    @Test
    void runJsonRecordsEverythingNeededToResume() throws Exception {
        JsonNode run = JSON.readTree(reference.resolve("run.json").toFile());
        for (String key : List.of("model", "task", "train_size", "dev_size", "test_size", "dev_top_k", "initial_prompt", "extractor",
                "data_sha256", "settings", "invocation", "estimate")) {
            assertTrue(run.has(key), "run.json lacks " + key);
        }
        assertEquals(3, run.at("/invocation/dev").asInt());
        // what a bitwise rerun also depends on (README: the thread count splits sums)
        assertEquals(greater.tensor.kernels.Parallel.THREADS, run.at("/machine/kernel_threads").asInt());
        assertTrue(run.at("/machine/java").asText().contains(String.valueOf(Runtime.version().feature())), run.toString());
        assertEquals("EXTRACTOR", run.at("/settings/reasoningStop").asText(), "the demo's reasoning stops before the model's own extractor");
    }
}
