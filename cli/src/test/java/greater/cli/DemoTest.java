package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short GReaTer run on the shipped demo model with the demo's settings (24 train problems,
 * reasoning stopped before the model's own extractor): within 6 steps the search finds an
 * instruction that makes the model work the problems out (on this draw at step 4, then the score
 * is below the early stop), and held-out accuracy rises from a few percent to 90% or more.
 */
class DemoTest {
    @Test
    void shortOptimizationOnTheShippedModelLowersTheSelectionScore(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        CommandsTest.Run r = CommandsTest.run("optimize", "--steps", "6", "--test", "20", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        double initial = result.get("initial_score").asDouble(), fin = result.get("final_score").asDouble();
        assertTrue(fin < initial - 0.5, "selection score should fall clearly: " + initial + " -> " + fin);
        assertTrue(result.get("initial_accuracy").asDouble() <= 0.2 && result.get("final_accuracy").asDouble() >= 0.9, result.toString());
    }
}
