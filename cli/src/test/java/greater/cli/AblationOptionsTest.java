package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code optimize --ranking/--search/--split-seed} on the shipped demo model: recorded in run.json, the trace and result.json. */
class AblationOptionsTest {
    @Test
    void rankingSearchAndSplitSeedAreRecorded(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        CommandsTest.Run r = CommandsTest.run("optimize", "--steps", "2", "--train", "3", "--test", "2", "--max-reasoning-tokens", "40",
                "--ranking", "loss", "--search", "hill-climb", "--split-seed", "3", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        var json = new ObjectMapper();
        JsonNode result = json.readTree(out.resolve("result.json").toFile());
        assertEquals("loss", result.get("ranking").asText());
        assertEquals("hill-climb", result.get("search").asText());
        assertEquals(3, result.get("split_seed").asLong());
        JsonNode run = json.readTree(out.resolve("run.json").toFile());
        assertEquals(3, run.get("randomness").get("split_seed").asLong());
        assertEquals(42, run.get("randomness").get("seed").asLong());
        assertEquals("LOSS", run.get("settings").get("ranking").asText());
        List<String> trace = Files.readAllLines(out.resolve("trace.jsonl"));
        assertEquals(2, trace.size());
        for (String line : trace) {
            JsonNode step = json.readTree(line);
            assertEquals("loss", step.get("ranking").asText());
            assertEquals("hill-climb", step.get("search").asText());
            double rho = step.get("rankCorrelation").asDouble();
            assertTrue(rho >= -1 && rho <= 1, line);
            assertTrue(step.get("candidates").get(0).get("exactLoss").isNumber(), line);
        }
    }

    @Test
    void unknownRankingSearchOrReasoningStopIsOneLineExitTwo() {
        for (String[] args : List.of(new String[]{"optimize", "--ranking", "best"}, new String[]{"optimize", "--search", "beam"},
                new String[]{"optimize", "--reasoning-stop", "eos"}, new String[]{"evaluate", "--reasoning-stop", "eos", "--prompt", "x"})) {
            CommandsTest.Run r = CommandsTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            String[] lines = r.err().strip().split("\n");
            assertTrue(lines[0].startsWith("error: ") && lines[0].contains(args[1]), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }
}
