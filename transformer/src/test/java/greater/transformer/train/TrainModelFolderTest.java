package greater.transformer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.Float16s;
import greater.transformer.LanguageModel;
import greater.transformer.chat.ChatTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The written folder is a HuggingFace Llama folder that our own loader reads back to the same model (in bf16). */
class TrainModelFolderTest {
    @Test
    void writtenFolderLoadsAndComputesTheBf16RoundedModel(@TempDir Path dir) throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train(TrainTokenizerTest.corpus(), 330, ChatMl.SPECIAL_TOKENS, 2);
        ModelShape shape = TrainTesting.tiny(bpe.vocabSize());
        TrainableModel model = TrainableModel.initialize(shape, new Rng(5), 0.2);
        HfFiles.writeModelFolder(dir, model, bpe);
        for (String f : new String[]{"config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(dir.resolve("config.json").toFile());
        assertEquals("llama", config.get("model_type").asText());
        assertEquals("LlamaForCausalLM", config.get("architectures").get(0).asText());
        assertEquals("bfloat16", config.get("torch_dtype").asText());
        JsonNode tc = json.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals(ChatMl.IM_END, tc.get("eos_token").asText());
        assertTrue(tc.get("bos_token").isNull());
        assertEquals(ChatMl.TEMPLATE, tc.get("chat_template").asText());
        assertEquals("chatml", ChatTemplate.forModel("llama", ChatMl.TEMPLATE).name(), "the product renders the written template");

        Map<String, float[]> rounded = new LinkedHashMap<>();
        model.tensors().forEach((name, t) -> {
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) v[i] = Float16s.roundToBf16(v[i]);
            rounded.put(name, v);
        });
        int[] ids = bpe.tokenizer().encode(TrainTokenizerTest.CONVERSATION, false, true).ids();
        float[] expected = TrainableModel.of(shape, rounded).transformer().logits(ids).data();
        try (LanguageModel lm = LanguageModel.load(dir)) {
            assertEquals("BF16", lm.weightDtype());
            assertEquals(model.parameterCount(), lm.parameterCount(), "tied LM head stored once");
            assertEquals(java.util.Set.of(bpe.id(ChatMl.IM_END)), lm.stopIds());
            assertArrayEquals(ids, lm.requireTokenizer().encode(TrainTokenizerTest.CONVERSATION, false, true).ids());
            double err = TrainTesting.maxAbsDiff(expected, lm.transformer().logits(ids).data());
            assertTrue(err < 1e-5, "logits of the loaded folder differ by " + err);
        }
    }
}
