package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short GReaTer run on the shipped demo model: the selection score of the best prompt must fall. */
class DemoTest {
    @Test
    void shortOptimizationOnTheShippedModelLowersTheSelectionScore(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        CommandsTest.Run r = CommandsTest.run("optimize", "--steps", "6", "--train", "12", "--test", "5", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        double initial = result.get("initial_score").asDouble(), fin = result.get("final_score").asDouble();
        assertTrue(fin < initial - 0.1, "selection score should fall clearly: " + initial + " -> " + fin);
        assertTrue(result.get("final_accuracy").asDouble() >= result.get("initial_accuracy").asDouble(), result.toString());
    }
}
