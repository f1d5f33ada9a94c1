package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batching, reuse and draft verification change cost, not results: the same run with each switch
 * off, and with all off (the sequential path), must make the same decisions — candidate sets,
 * gradient order, re-scored candidates, chosen tokens, final prompt — with scores within 1e-5,
 * on the shipped demo model and on a tiny random model with the real Llama-3 vocabulary.
 */
class ExecutionIdentityTest {
    private static final List<String[]> SWITCHES = List.of(new String[]{}, new String[]{"--no-batching"}, new String[]{"--no-reuse"},
            new String[]{"--no-draft"}, new String[]{"--token-budget", "300"}, new String[]{"--no-batching", "--no-reuse", "--no-draft"});

    @Test
    void demoModelDecisionsDoNotDependOnTheSwitches(@TempDir Path tmp) throws Exception {
        String[] common = {"optimize", "--steps", "4", "--train", "6", "--test", "2", "--max-reasoning-tokens", "24", "--quiet"};
        assertSameDecisions(tmp, common, SWITCHES);
    }

    /**
     * The demo's reasoning stops before the model's own extractor; from a working prompt with room
     * for whole chains, the cuts fall inside the reasoning (and inside verified drafts), at the
     * same tokens on every path. The official end-of-turn rule: all switches on against all off.
     */
    @Test
    void demoModelDecisionsDoNotDependOnTheSwitchesUnderEitherReasoningStop(@TempDir Path tmp) throws Exception {
        String[] common = {"optimize", "--steps", "3", "--train", "5", "--test", "2", "--max-reasoning-tokens", "48", "--quiet",
                "--control-init", "show each step.", "--candidates", "3"};
        assertSameDecisions(tmp.resolve("extractor"), CommandsTest.concat(common, new String[]{"--reasoning-stop", "extractor"}), SWITCHES);
        assertSameDecisions(tmp.resolve("end-of-turn"), CommandsTest.concat(common, new String[]{"--reasoning-stop", "end-of-turn"}),
                List.of(SWITCHES.getFirst(), SWITCHES.getLast()));
    }

    @Test
    void realVocabularyDecisionsDoNotDependOnTheSwitches(@TempDir Path tmp) throws Exception {
        Path tok = RandomModelFolder.sharedTokenizer("llama3");
        Assumptions.assumeTrue(tok != null, "../shared/tokenizers/llama3 is absent; skipping the real-vocabulary run");
        Path model = RandomModelFolder.create(tmp.resolve("model"), tok, 128256, 128009, 5);
        String data = RandomModelFolder.shared().resolve("data").toString();
        String[] common = {"optimize", "--model", model.toString(), "--task", "date_understanding", "--data-dir", data,
                "--train", "4", "--test", "1", "--max-reasoning-tokens", "12", "--steps", "3", "--topk", "8", "--quiet"};
        // everything on against everything off (each switch alone is covered on the demo)
        assertSameDecisions(tmp, common, List.of(SWITCHES.getFirst(), SWITCHES.getLast()));
    }

    private static void assertSameDecisions(Path tmp, String[] common, List<String[]> switches) throws Exception {
        List<List<JsonNode>> traces = new ArrayList<>();
        List<JsonNode> results = new ArrayList<>();
        for (int k = 0; k < switches.size(); k++) {
            Path out = tmp.resolve("run" + k);
            CommandsTest.Run r = CommandsTest.run(CommandsTest.concat(CommandsTest.concat(common, switches.get(k)), new String[]{"--out", out.toString()}));
            assertEquals(0, r.code(), r.err());
            List<JsonNode> steps = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("trace.jsonl"))) steps.add(new ObjectMapper().readTree(line));
            traces.add(steps);
            results.add(new ObjectMapper().readTree(out.resolve("result.json").toFile()));
        }
        for (int k = 1; k < switches.size(); k++) {
            String which = String.join(" ", switches.get(k));
            assertEquals(traces.getFirst().size(), traces.get(k).size(), which + ": steps");
            for (int st = 0; st < traces.getFirst().size(); st++) {
                JsonNode a = traces.getFirst().get(st), b = traces.get(k).get(st);
                String at = which + ", step " + st + ": ";
                assertEquals(ids(a.get("candidates")), ids(b.get("candidates")), at + "candidates in gradient order");
                assertEquals(ids(a.get("selected")), ids(b.get("selected")), at + "re-scored candidates");
                for (int c = 0; c < a.get("candidates").size(); c++) {
                    close(a.get("candidates").get(c).get("gradient"), b.get("candidates").get(c).get("gradient"), at + "gradient " + c);
                }
                for (int c = 0; c < a.get("selected").size(); c++) {
                    close(a.get("selected").get(c).get("score"), b.get("selected").get(c).get("score"), at + "score " + c);
                }
                assertEquals(a.get("chosenId").asInt(), b.get("chosenId").asInt(), at + "chosen token");
                assertEquals(a.get("prompt").asText(), b.get("prompt").asText(), at + "prompt");
                close(a.get("gradientLoss"), b.get("gradientLoss"), at + "gradient loss");
            }
            assertEquals(results.getFirst().get("final_prompt").asText(), results.get(k).get("final_prompt").asText(), which + ": final prompt");
            close(results.getFirst().get("final_score"), results.get(k).get("final_score"), which + ": final score");
            assertEquals(results.getFirst().get("final_accuracy").asDouble(), results.get(k).get("final_accuracy").asDouble(), which + ": accuracy");
        }
        // The default run carried reasoning over from selection at least once.
        assertTrue(traces.getFirst().stream().anyMatch(s -> s.get("reasoningReused").asBoolean()), "no step reused its reasoning");
    }

    private static List<Integer> ids(JsonNode list) {
        List<Integer> ids = new ArrayList<>();
        list.forEach(n -> ids.add(n.get("id").asInt()));
        return ids;
    }

    private static void close(JsonNode a, JsonNode b, String what) {
        double x = a.asDouble(), y = b.asDouble();
        assertTrue(Math.abs(x - y) <= 1e-5 * Math.max(1, Math.abs(x)), what + ": " + x + " vs " + y);
    }
}
