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
    void gemma3IgnoresAttnLogitSoftcappingAsTransformersDoesButAppliesTheFinalCap() throws Exception {
        // Gemma3Attention stores config.attn_logit_softcapping and never passes it to the attention
        // (transformers 5.17): a config that sets it computes uncapped scores (HF vs capped: 0.12 logit).
        ModelConfig c = parse("{\"model_type\": \"gemma3_text\", " + SHAPE + ", \"head_dim\": 16,"
                + " \"attn_logit_softcapping\": 50.0, \"final_logit_softcapping\": 30.0}");
        assertEquals(0f, c.attentionSoftcap());
        assertEquals(30f, c.finalSoftcap());
    }

    @Test
    void theActivationComesFromTheKeyEachFamilysMlpReadsAndExactGeluIsRefused() throws Exception {
        // transformers 5.17: ACT2FN["gelu"] is the erf GELU; the tanh form moved a Llama's logits by 8e-4
        var llama = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"llama\", " + SHAPE + ", \"hidden_act\": \"gelu\"}"));
        assertTrue(llama.getMessage().contains("hidden_act 'gelu'"), llama.getMessage());
        var gemma3 = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"gemma3_text\", " + SHAPE + ", \"hidden_activation\": \"gelu\"}"));
        assertTrue(gemma3.getMessage().contains("hidden_activation 'gelu'"), gemma3.getMessage());
        // Llama's MLP reads hidden_act only; Gemma-2/3's hidden_activation only
        assertEquals(false, parse("{\"model_type\": \"llama\", " + SHAPE + ", \"hidden_act\": \"silu\", \"hidden_activation\": \"gelu_pytorch_tanh\"}").gatedGelu());
        assertEquals(true, parse("{\"model_type\": \"gemma3_text\", " + SHAPE + ", \"hidden_act\": \"silu\"}").gatedGelu());
        assertEquals(true, parse("{\"model_type\": \"qwen3\", " + SHAPE + ", \"hidden_act\": \"gelu_new\"}").gatedGelu());
        // Gemma-1 checkpoints say "gelu" and were run with the tanh form by transformers 4.x
        assertEquals(true, parse("{\"model_type\": \"gemma\", " + SHAPE + ", \"hidden_act\": \"gelu\"}").gatedGelu());
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
        assertArrayEquals(RopeScaling.plain(10000).inverseFrequencies(16, 0), dyn.inverseFrequencies(16, 64));
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
        var negative = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"granite\", " + SHAPE
                + ", \"attention_multiplier\": -0.5}"));
        assertTrue(negative.getMessage().contains("attention_multiplier -0.5"), negative.getMessage());
        var zero = assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": \"gemma2\", " + SHAPE
                + ", \"query_pre_attn_scalar\": 0}"));
        assertTrue(zero.getMessage().contains("query_pre_attn_scalar 0"), zero.getMessage());
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

    /**
     * The config.json of published checkpoints (transformers-4.x keys, trimmed of keys nothing reads), written from
     * the Hub files as recalled: no network here to fetch them, so the values are illustrative of each key set.
     */
    @Test
    void publishedConfigsResolveToTheirFamilysSwitches() throws Exception {
        ModelConfig qwen3 = parse("""
                {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "bos_token_id": 151643, "eos_token_id": 151645,
                 "head_dim": 128, "hidden_act": "silu", "hidden_size": 1024, "intermediate_size": 3072, "max_position_embeddings": 40960,
                 "max_window_layers": 28, "model_type": "qwen3", "num_attention_heads": 16, "num_hidden_layers": 28,
                 "num_key_value_heads": 8, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000,
                 "sliding_window": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_sliding_window": false,
                 "vocab_size": 151936}"""); // Qwen/Qwen3-0.6B
        assertEquals(QkNorm.PER_HEAD, qwen3.qkNorm());
        assertEquals(1e6, qwen3.rope().theta());
        assertEquals(0, java.util.Arrays.stream(qwen3.slidingWindow()).sum());
        ModelConfig gemma3 = parse("""
                {"architectures": ["Gemma3ForCausalLM"], "attention_bias": false, "attn_logit_softcapping": null, "bos_token_id": 2,
                 "cache_implementation": "hybrid", "eos_token_id": [1, 106], "final_logit_softcapping": null, "head_dim": 256,
                 "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 1152, "intermediate_size": 6912,
                 "max_position_embeddings": 32768, "model_type": "gemma3_text", "num_attention_heads": 4, "num_hidden_layers": 26,
                 "num_key_value_heads": 1, "pad_token_id": 0, "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06,
                 "rope_local_base_freq": 10000, "rope_scaling": null, "rope_theta": 1000000, "sliding_window": 512,
                 "sliding_window_pattern": 6, "torch_dtype": "bfloat16", "vocab_size": 262144}"""); // google/gemma-3-1b-it
        assertEquals(512, gemma3.slidingWindow()[0]);
        assertEquals(0, gemma3.slidingWindow()[5]);
        assertEquals(1e4, gemma3.layerRope()[0].theta());
        assertEquals(1e6, gemma3.layerRope()[5].theta());
        String factors = "[" + String.join(", ", java.util.Collections.nCopies(48, "1.0")) + "]";
        ModelConfig phi4 = parse("""
                {"architectures": ["Phi3ForCausalLM"], "attention_bias": false, "bos_token_id": 199999, "eos_token_id": 199999,
                 "full_attn_mod": 1, "hidden_act": "silu", "hidden_size": 3072, "intermediate_size": 8192, "lm_head_bias": false,
                 "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "phi3", "num_attention_heads": 24,
                 "num_hidden_layers": 32, "num_key_value_heads": 8, "original_max_position_embeddings": 4096,
                 "pad_token_id": 199999, "partial_rotary_factor": 0.75, "rms_norm_eps": 1e-05,
                 "rope_scaling": {"long_factor": %s, "short_factor": %s, "type": "longrope"}, "rope_theta": 10000.0,
                 "sliding_window": 262144, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 200064}"""
                .formatted(factors, factors)); // microsoft/Phi-4-mini-instruct
        assertEquals(96, phi4.rotaryDim());
        assertTrue(phi4.tieWordEmbeddings() && phi4.fusedProjections());
        assertEquals("longrope", phi4.rope().type());
        ModelConfig smol = parse("""
                {"architectures": ["SmolLM3ForCausalLM"], "attention_bias": false, "bos_token_id": null, "eos_token_id": 128012,
                 "hidden_act": "silu", "hidden_size": 2048, "intermediate_size": 11008, "max_position_embeddings": 65536,
                 "max_window_layers": 28, "mlp_bias": false, "model_type": "smollm3", "no_rope_layer_interval": 4,
                 "num_attention_heads": 16, "num_hidden_layers": 36, "num_key_value_heads": 4, "pad_token_id": 128004,
                 "pretraining_tp": 2, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 5000000.0, "sliding_window": null,
                 "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_sliding_window": false, "vocab_size": 128256}"""); // HuggingFaceTB/SmolLM3-3B
        assertNull(smol.layerRope()[3]);
        assertEquals(5e6, smol.layerRope()[0].theta());
        ModelConfig olmo2 = parse("""
                {"architectures": ["Olmo2ForCausalLM"], "attention_bias": false, "eos_token_id": 100257, "hidden_act": "silu",
                 "hidden_size": 2048, "intermediate_size": 8192, "max_position_embeddings": 4096, "model_type": "olmo2",
                 "num_attention_heads": 16, "num_hidden_layers": 16, "num_key_value_heads": 16, "pad_token_id": 100277,
                 "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 500000, "tie_word_embeddings": false,
                 "torch_dtype": "float32", "vocab_size": 100352}"""); // allenai/OLMo-2-0425-1B-Instruct
        assertEquals(NormPlacement.POST, olmo2.normPlacement());
        ModelConfig granite = parse("""
                {"architectures": ["GraniteForCausalLM"], "attention_bias": false, "attention_multiplier": 0.015625,
                 "bos_token_id": 0, "embedding_multiplier": 12.0, "eos_token_id": 0, "hidden_act": "silu", "hidden_size": 2048,
                 "intermediate_size": 8192, "logits_scaling": 8.0, "max_position_embeddings": 131072, "mlp_bias": false,
                 "model_type": "granite", "num_attention_heads": 32, "num_hidden_layers": 40, "num_key_value_heads": 8,
                 "pad_token_id": 0, "residual_multiplier": 0.22, "rms_norm_eps": 1e-05, "rope_scaling": null,
                 "rope_theta": 10000000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 49159}"""); // ibm-granite/granite-3.3-2b-instruct
        assertEquals(8f, granite.logitsScaling());
        assertEquals(1e7, granite.rope().theta());
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
