package greater.cli.commands;

import greater.cli.GreaterCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code greater inspect} names the family and the switches a folder sets. */
class InspectCommandTest {
    static final Path FIXTURES = Path.of("../transformer/src/test/resources/fixtures");

    private static String inspect(String fixture) {
        return inspect(FIXTURES.resolve(fixture));
    }

    private static String inspect(Path folder) {
        var buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, GreaterCommand.commandLine().execute("inspect", "--model", folder.toString()));
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test
    void gemma3ShowsLocalAndGlobalRopeWindowsAndNorms() {
        String out = inspect("gemma3");
        assertTrue(out.contains("family:         Gemma3ForCausalLM (model_type gemma3_text)"), out);
        assertTrue(out.contains("norms:          RMSNorm before and after attention and MLP, weight as (1 + w)"), out);
        assertTrue(out.contains("q/k norm:       RMSNorm per head before RoPE"), out);
        assertTrue(out.contains("rope:           layers 0,2: default, theta 10000.0; layers 1,3: linear, theta 1000000.0, factor 8.0"), out);
        assertTrue(out.contains("sliding window: layers 0,2: 5 tokens; layers 1,3: full"), out);
        assertTrue(out.contains("parameters:     "), out);
    }

    @Test
    void phi3ShowsFusedProjectionsAndPartialLongRope() {
        String out = inspect("phi3");
        assertTrue(out.contains("projections:    fused qkv_proj and gate_up_proj"), out);
        assertTrue(out.contains("longrope") && out.contains("attention factor 1.1832 (first 12 of 16 features)"), out);
    }

    @Test
    void graniteShowsMultipliersAndTheImageTextGemma3ItsLanguageModel() {
        String granite = inspect("granite");
        assertTrue(granite.contains("multipliers:    residual 0.6, logits / 2.5") && granite.contains("embedding scale: 4.0"), granite);
        assertTrue(granite.contains("biases:         q/k/v, o_proj"), granite);
        String mm = inspect("gemma3_multimodal");
        assertTrue(mm.contains("language model of a Gemma3ForConditionalGeneration checkpoint"), mm);
        assertTrue(mm.contains("in the language model (the checkpoint holds"), mm);
    }

    @Test
    void softCapsShowWhichAreOnAndGemma3NeverCapsAttentionScores(@TempDir Path tmp) throws IOException {
        assertTrue(inspect("gemma2").contains("soft-capping:   attention 50.0, final 30.0"));
        // a Gemma-3 config that sets both: transformers applies only the final cap
        Path dir = Files.createDirectories(tmp.resolve("gemma3-capped"));
        try (var files = Files.list(FIXTURES.resolve("gemma3"))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config)
                .replace("\"attn_logit_softcapping\": null", "\"attn_logit_softcapping\": 50.0")
                .replace("\"final_logit_softcapping\": null", "\"final_logit_softcapping\": 30.0"));
        String out = inspect(dir);
        assertTrue(out.contains("soft-capping:   attention off, final 30.0"), out);
    }
}
