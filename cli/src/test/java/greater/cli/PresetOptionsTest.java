package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static greater.cli.CommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flags map onto a preset (GreaterPreset): the demo's for the built-in task, the paper's with
 * {@code --preset paper}; each flag given replaces one value; old flag names still work; the
 * library's setting errors come back naming the flag as typed.
 */
class PresetOptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void helpListsBothPresetsUnderTheirFlags() {
        var commands = GreaterCommand.commandLine().getSubcommands();
        String help = commands.get("optimize").getUsageMessage();
        assertTrue(help.contains("paper  --steps 100 --topk 40 --topq 6 --candidates 3 --fluency-weight 0.2"), help);
        assertTrue(help.contains("--max-reasoning-tokens 1024 --reasoning-stop end-of-turn"), help);
        assertTrue(help.contains("--seed 42 --train 50 --test 50"), help);
        assertTrue(help.contains("demo   --steps 12 --topk 12 --topq 6 --candidates 8 --fluency-weight 0.2"), help);
        assertTrue(help.contains("--max-reasoning-tokens 100 --reasoning-stop extractor"), help);
        assertTrue(help.contains("--seed 42 --train 24 --test 100"), help);
        assertTrue(commands.get("evaluate").getUsageMessage().contains("Presets (--preset NAME"));
    }

    @Test
    void runJsonHoldsThePresetWithTheFlagsGivenOverIt(@TempDir Path tmp) throws Exception {
        Path demo = tmp.resolve("demo");
        CommandsTest.Run r = run("optimize", "--steps", "0", "--train", "2", "--test", "1", "--control-init", "think step by step.",
                "--control-weight", "0.5", "--quiet", "--out", demo.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode run = JSON.readTree(demo.resolve("run.json").toFile());
        assertEquals("think step by step.", run.get("initial_prompt").textValue());
        JsonNode s = run.get("settings");
        assertEquals(0.5, s.get("fluencyWeight").asDouble(), 1e-7);
        assertEquals(100, s.get("maxReasoningTokens").asInt(), "the demo preset's limit");
        assertEquals(12, s.get("topK").asInt());
        assertTrue(s.get("controlWeight") == null, "written under the new name only");

        Path paper = tmp.resolve("paper");
        r = run("optimize", "--preset", "paper", "--steps", "0", "--train", "2", "--test", "1", "--initial-prompt", "x y.",
                "--fluency-weight", "0.1", "--quiet", "--out", paper.toString());
        assertEquals(0, r.code(), r.err());
        run = JSON.readTree(paper.resolve("run.json").toFile());
        assertEquals("x y.", run.get("initial_prompt").textValue());
        s = run.get("settings");
        assertEquals(0.1, s.get("fluencyWeight").asDouble(), 1e-7);
        assertEquals(1024, s.get("maxReasoningTokens").asInt(), "the paper preset's (official) limit");
        assertEquals(40, s.get("topK").asInt());
        assertEquals(3, s.get("selectionCandidates").asInt());
    }

    @Test
    void settingErrorsNameTheFlagAsTyped() {
        expect("error: --fluency-weight must be a finite number >= 0, got -1.0", "optimize", "--fluency-weight", "-1", "--dry-run");
        expect("error: --control-weight must be a finite number >= 0, got -1.0", "optimize", "--control-weight=-1", "--dry-run");
        expect("error: --topq must be >= 1, got 0", "optimize", "--topq", "0", "--dry-run");
        expect("error: --preset must be one of [paper, demo], got fast", "optimize", "--preset", "fast", "--dry-run");
        expect("error: --search must be official or hill-climb, got 'greedy'", "optimize", "--search", "greedy", "--dry-run");
        expect("error: --token-budget must be >= 1, got 0", "evaluate", "--prompt", "x", "--token-budget", "0");
        expect("error: --max-reasoning-tokens must be >= 1, got 0", "evaluate", "--prompt", "x", "--max-reasoning-tokens", "0");
    }

    @Test
    void trainingSettingErrorsNameTheFlag(@TempDir Path tmp) {
        expect("error: --batch must be >= 1, got 0", "train", "--task", "arithmetic", "--out", tmp.resolve("m").toString(), "--batch", "0");
        expect("error: --lr must be a finite number > 0, got -0.1", "train", "--task", "arithmetic", "--out", tmp.resolve("m").toString(), "--lr", "-0.1");
        expect("error: --checkpoint-every must be >= 0, got -1", "train", "--task", "arithmetic", "--out", tmp.resolve("m").toString(),
                "--checkpoint-every", "-1");
    }

    private static void expect(String line, String... args) {
        CommandsTest.Run r = run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(line, r.err().strip());
    }
}
