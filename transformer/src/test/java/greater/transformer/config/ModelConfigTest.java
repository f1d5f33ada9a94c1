package greater.transformer.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.transformer.config.ModelConfig.NormPlacement;
import greater.transformer.config.ModelConfig.QkNorm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Switches resolved from both config-key forms, as transformers 5.17's configuration classes resolve them. */
class ModelConfigTest {
    private static ModelConfig parse(String json) throws Exception {
        return ModelConfig.parse(new ObjectMapper().readTree(json), "config.json");
    }

    private static final String SHAPE = """
            "vocab_size": 100, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 12,
            "num_attention_heads": 4, "num_key_value_heads": 2""";

    @Test
    void gemma3OlderKeysGiveLocalAndGlobalLayersWithTheirOwnRope() throws Exception {
        // 4.x: no layer_types -> sliding_window_pattern (default 6): every 6th layer is global
        ModelConfig c = parse("{\"model_type\": \"gemma3_text\", " + SHAPE + ", \"head_dim\": 16, \"sliding_window\": 512,"
                + " \"rope_theta\": 1000000.0, \"rope_local_base_freq\": 10000.0, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 8.0},"
                + " \"query_pre_attn_scalar\": 256}");
        for (int i = 0; i < 12; i++) assertEquals((i + 1) % 6 == 0 ? 0 : 512, c.slidingWindow()[i], "layer " + i);
        RopeScaling global = c.layerRope()[5], local = c.layerRope()[0];
        assertEquals("linear", global.type());
        assertEquals(8.0, global.factor());
        assertEquals(1e6, global.theta());
        assertEquals("default", local.type());
        assertEquals(1e4, local.theta());
        assertEquals(1 / 16f, c.attentionScale(), 1e-9);
        assertEquals(QkNorm.PER_HEAD, c.qkNorm());
        assertEquals(NormPlacement.SANDWICH, c.normPlacement());
        assertEquals((float) Math.sqrt(64), c.embeddingScale());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(0f, c.finalSoftcap());
    }

    @Test
    void gemma2KeysAbsentTakeGemma2ConfigDefaultsAndNullTurnsACapOff() throws Exception {
        ModelConfig absent = parse("{\"model_type\": \"gemma2\", " + SHAPE + ", \"head_dim\": 16}");
        assertEquals(50f, absent.attentionSoftcap());
        assertEquals(30f, absent.finalSoftcap());
        assertEquals(1 / 16f, absent.attentionScale(), 1e-9); // query_pre_attn_scalar 256
        assertEquals(4096, absent.slidingWindow()[0]);
        assertEquals(0, absent.slidingWindow()[1]);
        ModelConfig off = parse("{\"model_type\": \"gemma2\", " + SHAPE + ", \"attn_logit_softcapping\": null, \"final_logit_softcapping\": null}");
        assertEquals(0f, off.attentionSoftcap());
        assertEquals(0f, off.finalSoftcap());
    }

    @Test
    void gemmaEmbeddingScaleIsTheUnroundedFloat32SquareRoot() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"gemma\", \"vocab_size\": 10, \"hidden_size\": 3072, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 16, \"torch_dtype\": \"bfloat16\"}");
        assertEquals((float) Math.sqrt(3072), c.embeddingScale()); // 55.4256, not bf16's 55.5
    }

    @Test
    void smolLm3NoRopeLayersFromTheIntervalOrTheList() throws Exception {
        ModelConfig byInterval = parse("{\"model_type\": \"smollm3\", " + SHAPE + ", \"no_rope_layer_interval\": 4}");
        for (int i = 0; i < 12; i++) assertEquals((i + 1) % 4 == 0, byInterval.layerRope()[i] == null, "layer " + i);
        assertEquals(2_000_000.0, byInterval.rope().theta());
        assertTrue(byInterval.tieWordEmbeddings());
        ModelConfig byList = parse("{\"model_type\": \"smollm3\", " + SHAPE.replace("12", "3") + ", \"no_rope_layers\": [0, 1, 1]}");
        assertNull(byList.layerRope()[0]);
        assertSame(byList.rope(), byList.layerRope()[2]);
    }

    @Test
    void phi3LongRopeOlderKeys() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"phi3\", " + SHAPE + ", \"max_position_embeddings\": 131072,"
                + " \"original_max_position_embeddings\": 4096, \"partial_rotary_factor\": 0.75,"
                + " \"rope_scaling\": {\"type\": \"longrope\", \"short_factor\": [1,1,1,1,1,1], \"long_factor\": [2,2,2,2,2,2]}}");
        assertEquals(12, c.rotaryDim());
        RopeScaling r = c.rope();
        assertEquals("longrope", r.type());
        assertEquals(Math.sqrt(1 + Math.log(32) / Math.log(4096)), r.attentionFactor(), 1e-12);
        float[] shortF = r.inverseFrequencies(12, 4096), longF = r.inverseFrequencies(12, 4097);
        for (int i = 0; i < 6; i++) assertEquals(shortF[i] / 2, longF[i], 1e-6 * shortF[i]);
        assertTrue(c.fusedProjections());
        assertTrue(!c.qkvBias() && !c.outputBias());
    }

    @Test
    void dynamicRopeIsDefaultUpToMaxPositionsThenNtkScaled() {
        RopeScaling dyn = new RopeScaling("dynamic", 10000, 2.0, 0, 0, 0, 64, null, null, 1.0);
        assertArrayEquals(RopeScaling.plain(10000).inverseFrequencies(16), dyn.inverseFrequencies(16, 64));
        // transformers: base' = base * (factor * L / max - (factor - 1)) ** (d / (d - 2))
        float[] at128 = dyn.inverseFrequencies(16, 128);
        double base = 10000 * Math.pow(2.0 * 128 / 64 - 1, 16.0 / 14);
        for (int i = 0; i < 8; i++) assertEquals(1 / Math.pow(base, 2.0 * i / 16), at128[i], 1e-6 * at128[i]);
        assertTrue(dyn.dependsOnLength());
    }

    @Test
    void attentionBiasGivesEveryProjectionItsBiasWhereTransformersDoes() throws Exception {
        ModelConfig llama = parse("{\"model_type\": \"llama\", " + SHAPE + ", \"attention_bias\": true, \"mlp_bias\": true}");
        assertTrue(llama.qkvBias() && llama.outputBias() && llama.mlpBias());
        ModelConfig qwen2 = parse("{\"model_type\": \"qwen2\", " + SHAPE + "}");
        assertTrue(qwen2.qkvBias() && !qwen2.outputBias() && !qwen2.mlpBias());
        ModelConfig mistral = parse("{\"model_type\": \"mistral\", " + SHAPE + ", \"attention_bias\": true}");
        assertTrue(!mistral.qkvBias() && !mistral.outputBias()); // MistralAttention has no biases whatever the config says
    }

    @Test
    void granitesMultipliersAndOlmo2sPlacement() throws Exception {
        ModelConfig g = parse("{\"model_type\": \"granite\", " + SHAPE + ", \"embedding_multiplier\": 12.0,"
                + " \"attention_multiplier\": 0.015625, \"residual_multiplier\": 0.22, \"logits_scaling\": 8.0}");
        assertEquals(12f, g.embeddingScale());
        assertEquals(0.015625f, g.attentionScale());
        assertEquals(0.22f, g.residualMultiplier());
        assertEquals(8f, g.logitsScaling());
        ModelConfig o = parse("{\"model_type\": \"olmo2\", " + SHAPE + "}");
        assertEquals(NormPlacement.POST, o.normPlacement());
        assertEquals(QkNorm.WHOLE, o.qkNorm());
    }

    @Test
    void multimodalGemma3ReadsItsTextConfigWithGemma3Defaults() throws Exception {
        // the shape of google/gemma-3-4b-it's config.json: text_config lists only what differs from the defaults
        ModelConfig c = parse("""
                {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3", "eos_token_id": [1, 106],
                 "text_config": {"hidden_size": 2560, "intermediate_size": 10240, "model_type": "gemma3_text",
                   "num_hidden_layers": 34, "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024},
                 "vision_config": {"model_type": "siglip_vision_model"}, "torch_dtype": "bfloat16"}""");
        assertTrue(c.multimodal());
        assertEquals(Architecture.GEMMA3, c.architecture());
        assertEquals(262208, c.vocabSize());
        assertEquals(256, c.headDim());
        assertEquals(8, c.heads());
        assertEquals(java.util.List.of(1, 106), c.eosTokenIds());
        assertEquals(1024, c.slidingWindow()[0]);
        assertEquals(0, c.slidingWindow()[5]);
        assertEquals("linear", c.layerRope()[5].type());
        assertNotSame(c.layerRope()[0], c.layerRope()[5]);
    }

    @Test
    void computationChangingKeysThatAreNotImplementedAreRefused() {
        var yarn = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"qwen3\", " + SHAPE
                + ", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768}}"));
        assertTrue(yarn.getMessage().contains("rope_type 'yarn'"), yarn.getMessage());
        var bidirectional = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"gemma3_text\", " + SHAPE
                + ", \"use_bidirectional_attention\": true}"));
        assertTrue(bidirectional.getMessage().contains("use_bidirectional_attention"), bidirectional.getMessage());
        var quantized = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"llama\", " + SHAPE
                + ", \"quantization_config\": {\"quant_method\": \"awq\"}}"));
        assertTrue(quantized.getMessage().contains("quantization_config"), quantized.getMessage());
        var layerType = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"qwen3\", " + SHAPE.replace("12", "2")
                + ", \"use_sliding_window\": true, \"sliding_window\": 8, \"layer_types\": [\"linear_attention\", \"full_attention\"]}"));
        assertTrue(layerType.getMessage().contains("linear_attention"), layerType.getMessage());
        var unknown = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"gemma3n\", " + SHAPE + "}"));
        assertTrue(unknown.getMessage().contains("unknown model_type 'gemma3n'"), unknown.getMessage());
    }
}
