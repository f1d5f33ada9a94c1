package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import greater.cli.commands.BenchCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI end to end: commands on the committed fixtures and on a real-vocabulary random model. */
class CommandsTest {
    static final Path FIXTURES = Path.of("../transformer/src/test/resources/fixtures");

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = GreaterCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        var buf = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(buf, true));
        int code;
        try {
            code = cli.execute(args);
        } finally {
            System.setOut(old);
        }
        return new Run(code, buf.toString(), err.toString());
    }

    @Test
    void generateJsonOnAFixtureMatchesTheReferenceGreedyIds() throws Exception {
        Run r = run("generate", "--model", FIXTURES.resolve("llama").toString(), "--ids", "1,2,3", "--max-new-tokens", "4", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(4, n.get("ids").size());
    }

    @Test
    void benchJsonGivesEachWorkloadsTimeAndWarmUpRuns() throws Exception {
        Run r = run("bench", "--model", FIXTURES.resolve("llama").toString(), "--prefill", "8", "--grad", "8", "--decode", "2",
                "--repeats", "1", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        for (String w : new String[]{"prefill", "grad", "decode"}) {
            int runs = n.get(w + "_warmup_runs").asInt();
            // at least one untimed run; the one reaching --warmup seconds (0 here) and at most MAX_QUIET_RUNS more
            assertTrue(runs >= 1 && runs <= 1 + BenchCommand.MAX_QUIET_RUNS, w + ": " + runs + " warm-up runs");
        }
        assertTrue(n.get("prefill_seconds").asDouble() > 0 && n.get("grad_seconds").asDouble() > 0, r.out());
        assertTrue(n.get("decode_tokens_per_second").asDouble() > 0, r.out());
    }

    @Test
    void versionNamesTheProgramAndTheMachinePath() {
        CommandLine cli = GreaterCommand.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--version"));
        String[] lines = out.toString().strip().split("\n");
        assertEquals("greater " + Version.VERSION, lines[0]);
        assertTrue(lines[1].startsWith("JDK " + Runtime.version()) && lines[1].endsWith(" threads"), out.toString());
    }

    @Test
    void badInputIsOneLineAndNonZero(@TempDir Path tmp) throws Exception {
        List<String[]> cases = List.of(
                new String[]{"inspect", "--model", tmp.resolve("missing").toString()},
                new String[]{"inspect", "--model", tmp.toString()},
                new String[]{"generate", "--model", FIXTURES.resolve("llama").toString(), "--ids", "1,100000", "--max-new-tokens", "2"},
                new String[]{"generate", "--bogus-flag"},
                new String[]{"evaluate", "--task", "no_such_task", "--prompt", "x"},
                new String[]{"logits", "--model", FIXTURES.resolve("llama").toString(), "--ids", "1,2", "--output", tmp.toString()},
                new String[]{"logits", "--model", FIXTURES.resolve("llama").toString(), "--ids", "1,2", "--output", tmp.resolve("no/such/x.safetensors").toString()});
        Files.writeString(tmp.resolve("config.json"), "{not json");
        for (String[] args : cases) {
            Run r = run(args);
            assertTrue(r.code() != 0, String.join(" ", args) + " should fail");
            if (args[0].equals("logits")) {
                assertEquals(2, r.code(), r.err());
                assertTrue(r.err().contains("--output"), r.err());
            }
            String[] lines = r.err().strip().split("\n");
            assertTrue(lines[0].startsWith("error: "), String.join(" ", args) + " -> " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
        }
    }

    @Test
    void optimizeEvaluateAndResumeOnARealVocabularyModel(@TempDir Path tmp) throws Exception {
        Path tok = RandomModelFolder.sharedTokenizer("llama3");
        Assumptions.assumeTrue(tok != null, "../shared/tokenizers/llama3 not found: skipping the real-vocabulary run");
        Path model = RandomModelFolder.create(tmp.resolve("model"), tok, 128256, 128009, 5);
        String data = RandomModelFolder.shared().resolve("data").toString();
        String[] common = {"--model", model.toString(), "--task", "date_understanding", "--data-dir", data,
                "--train", "3", "--test", "2", "--max-reasoning-tokens", "6"};
        Path out = tmp.resolve("run");
        Run r = run(concat(new String[]{"optimize", "--steps", "2", "--topk", "8", "--quiet", "--out", out.toString()}, common));
        assertEquals(0, r.code(), r.err());
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        for (String key : List.of("initial_prompt", "final_prompt", "initial_accuracy", "final_accuracy", "test_size", "steps", "seconds")) {
            assertTrue(result.has(key), "result.json lacks " + key);
        }
        assertEquals(2, result.get("steps").asInt());
        assertEquals(2, Files.readAllLines(out.resolve("trace.jsonl")).size());
        assertTrue(Files.readString(out.resolve("report.html")).contains("<svg"));

        // Interrupt a second run after its initial evaluation (no step checkpointed, a stray trace
        // line of an unfinished step): resuming must reach the same result.
        Path cut = tmp.resolve("cut");
        Run first = run(concat(new String[]{"optimize", "--steps", "2", "--topk", "8", "--quiet", "--out", cut.toString()}, common));
        assertEquals(0, first.code(), first.err());
        var mapper = new ObjectMapper();
        Files.delete(cut.resolve("checkpoint.json"));
        Files.delete(cut.resolve("result.json"));
        Files.writeString(cut.resolve("trace.jsonl"), Files.readAllLines(cut.resolve("trace.jsonl")).getFirst() + "\n");
        Run resumed = run("optimize", "--resume", cut.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(result.get("final_prompt").asText(), mapper.readTree(cut.resolve("result.json").toFile()).get("final_prompt").asText());
        assertEquals(Files.readAllLines(out.resolve("trace.jsonl")).size(), Files.readAllLines(cut.resolve("trace.jsonl")).size());

        Run wrong = run("optimize", "--resume", cut.toString(), "--steps", "3", "--quiet",
                "--model", model.toString(), "--task", "date_understanding", "--data-dir", data, "--train", "3", "--test", "2");
        assertTrue(wrong.code() == 2 && wrong.err().contains("--steps") && wrong.err().contains("would change the run"), wrong.err());

        Run ev = run(concat(new String[]{"evaluate", "--json", "--prompt", result.get("final_prompt").asText()}, common));
        assertEquals(0, ev.code(), ev.err());
        JsonNode e = new ObjectMapper().readTree(ev.out());
        assertEquals(result.get("final_accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-9, "evaluate reproduces the run's accuracy");
        assertEquals(2, e.get("n").asInt());
    }

    /** Issue 14: a sharded model given through ".." (here ../transformer/...) loads. */
    @Test
    void aShardedModelGivenThroughDotDotLoads() throws Exception {
        String relative = "../transformer/src/test/resources/fixtures/mistral";
        assertTrue(Files.isRegularFile(Path.of(relative, "model.safetensors.index.json")));
        Run r = run("generate", "--model", relative, "--ids", "1,2,3", "--max-new-tokens", "2", "--json");
        assertEquals(0, r.code(), r.err());
    }

    /** Issue 14: ED A0 90 (an encoded surrogate) decodes to three U+FFFD, as Rust's lossy UTF-8 and Python do. */
    @Test
    void decodingAnEncodedSurrogatePrintsThreeReplacementCharacters() throws Exception {
        Path tok = RandomModelFolder.sharedTokenizer("llama3");
        Assumptions.assumeTrue(tok != null, "../shared/tokenizers/llama3 not found: skipping");
        for (String ids : List.of("169,254,238", "[169, 254, 238]")) {
            Run r = run("tokenize", "--tokenizer", tok.toString(), "--decode", "--text", ids);
            assertEquals(0, r.code(), r.err());
            assertEquals("\"\uFFFD\uFFFD\uFFFD\"", new String(r.out().getBytes(), java.nio.charset.StandardCharsets.UTF_8).strip(), ids);
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
