package greater.transformer.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.tensor.safetensors.SafetensorsFile;
import greater.tensor.safetensors.SafetensorsWriter;
import greater.tensor.safetensors.TensorSource;
import greater.transformer.LanguageModel;
import greater.transformer.config.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nothing in a checkpoint is dropped silently: every tensor is consumed, known to be ignorable, or the load fails. */
class WeightLoaderTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A copy of a fixture folder with its config.json edited. */
    private Path copyWithConfig(String fixture, Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(fixture + "-edited"));
        try (var files = Files.list(FIXTURES.resolve(fixture))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        return dir;
    }

    @Test
    void biasesTheConfigDoesNotAnnounceFailTheLoadNamingTheTensorAndArchitecture() throws IOException {
        // the checkpoint has q/k/v/o and MLP biases; a config without attention_bias/mlp_bias would drop them
        Path dir = copyWithConfig("llama_bias", c -> c.put("attention_bias", false).put("mlp_bias", false));
        var e = assertThrows(ModelLoadException.class, () -> LanguageModel.load(dir).close());
        assertTrue(e.getMessage().contains("unexpected tensor 'model.layers.0.") && e.getMessage().contains(".bias'"), e.getMessage());
        assertTrue(e.getMessage().contains("LlamaForCausalLM") && e.getMessage().contains("more)"), e.getMessage());
        assertTrue(e.getMessage().contains("(a known ") && e.getMessage().contains("config.json's settings leave out)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anyUnexpectedTensorFailsTheLoad() throws IOException {
        Path dir = copyWithConfig("qwen3", c -> { });
        Path weights = dir.resolve("model.safetensors");
        rewriteWith(weights, w -> w.addF32("model.layers.1.mlp.extra_proj.weight", new float[4], 2, 2));
        var e = assertThrows(ModelLoadException.class, () -> LanguageModel.load(dir).close());
        assertTrue(e.getMessage().contains("unexpected tensor 'model.layers.1.mlp.extra_proj.weight' [2, 2] for Qwen3ForCausalLM"), e.getMessage());
        assertTrue(!e.getMessage().contains("a known"), e.getMessage());
    }

    @Test
    void aTensorInAShardThatTheIndexDoesNotMapThereFailsTheLoad() throws IOException {
        // transformers reads every tensor of every shard (and reports this one as UNEXPECTED);
        // the weight_map alone would let it be dropped without a word
        Path dir = copyWithConfig("mistral", c -> { });
        Path shard = dir.resolve("model-00001-of-00002.safetensors");
        rewriteWith(shard, w -> w.addF32("model.layers.0.mlp.up_proj.bias", new float[4], 4));
        var e = assertThrows(ModelLoadException.class, () -> LanguageModel.load(dir).close());
        assertTrue(e.getMessage().contains("model-00001-of-00002.safetensors: tensor 'model.layers.0.mlp.up_proj.bias' is not in"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aSecondCopyOfATensorInAnotherShardThanTheIndexSaysFailsTheLoad() throws IOException {
        Path dup = copyWithConfig("mistral", c -> { });
        String other;
        try (var index = TensorSource.open(dup)) {
            other = index.names().stream().filter(n -> !index.fileOf(n).getFileName().toString().equals("model-00001-of-00002.safetensors"))
                    .findFirst().orElseThrow();
        }
        rewriteWith(dup.resolve("model-00001-of-00002.safetensors"), w -> w.addF32(other, new float[1], 1));
        var d = assertThrows(ModelLoadException.class, () -> LanguageModel.load(dup).close());
        assertTrue(d.getMessage().contains("tensor '" + other + "' is not in"), d.getMessage());
    }

    @Test
    void staleRotaryBuffersAreIgnorable() throws IOException {
        Path dir = copyWithConfig("qwen3", c -> { });
        rewriteWith(dir.resolve("model.safetensors"), w -> w.addF32("model.layers.0.self_attn.rotary_emb.inv_freq", new float[16], 16));
        try (LanguageModel lm = LanguageModel.load(dir)) {
            assertEquals(2, lm.transformer().weights().layers().size());
        }
    }

    @Test
    void aMissingTensorFailsTheLoad() throws IOException {
        Path dir = copyWithConfig("llama_v4config", c -> c.put("attention_bias", true));
        var e = assertThrows(ModelLoadException.class, () -> LanguageModel.load(dir).close());
        assertTrue(e.getMessage().contains("missing tensor 'model.layers.0.self_attn.q_proj.bias'"), e.getMessage());
    }

    @Test
    void theVisionTowerOfAnImageTextGemma3IsSkippedWithOneLine() throws IOException {
        Path dir = FIXTURES.resolve("gemma3_multimodal");
        List<String> notes = new ArrayList<>();
        try (TensorSource source = TensorSource.open(dir)) {
            ModelConfig config = ModelConfig.load(dir);
            assertTrue(config.multimodal());
            var weights = WeightLoader.load(source, config, notes::add);
            assertEquals(config.layers(), weights.layers().size());
            assertTrue(weights.lmHead() == weights.embedTokens(), "tied LM head");
        }
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("skipped the vision tower"), notes.get(0));
    }

    @Test
    void anImageTextGemma3UnderTransformers5NamesLoadsTheSameLanguageModel() throws IOException {
        // model.language_model.* / model.vision_tower.* (what a transformers-5 state dict is called in memory)
        Path dir = copyWithConfig("gemma3_multimodal", c -> { });
        rewriteWith(dir.resolve("model.safetensors"), name -> name.startsWith("language_model.model.")
                ? "model.language_model." + name.substring("language_model.model.".length())
                : name.startsWith("language_model.") ? name : "model." + name, w -> { });
        int[] ids = {5, 17, 3, 9, 11};
        try (LanguageModel renamed = LanguageModel.load(dir); LanguageModel published = LanguageModel.load(FIXTURES.resolve("gemma3_multimodal"))) {
            // the rewrite stores F32, the fixture BF16: the matmul kernels sum in a dtype-specific order
            assertArrayEquals(published.transformer().logits(ids).data(), renamed.transformer().logits(ids).data(), 1e-5f);
        }
    }

    /** Rewrites a safetensors file with all its tensors (as F32) plus what {@code extra} adds. */
    private static void rewriteWith(Path file, Consumer<SafetensorsWriter> extra) throws IOException {
        rewriteWith(file, name -> name, extra);
    }

    /** The same, each tensor under {@code rename(name)}. */
    private static void rewriteWith(Path file, java.util.function.UnaryOperator<String> rename, Consumer<SafetensorsWriter> extra) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                var t = f.tensor(name);
                int[] dims = t.shape().dims();
                w.addF32(rename.apply(name), t.toFloatArray(), dims);
            }
        }
        extra.accept(w);
        Path out = file.resolveSibling("rewritten.safetensors");
        w.write(out);
        Files.move(out, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
