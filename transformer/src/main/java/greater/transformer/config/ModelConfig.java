package greater.transformer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model's configuration, resolved once from config.json (transformers 4.x keys such as
 * {@code rope_theta}/{@code rope_scaling}/{@code torch_dtype}/{@code sliding_window_pattern}/
 * {@code rope_local_base_freq}, or 5.x keys {@code rope_parameters}/{@code layer_types}/{@code dtype})
 * into plain values and the named switches that distinguish the families, each resolved as
 * transformers 5.17's {@code configuration_<family>.py} and {@code modeling_<family>.py} do:
 *
 * <ul>
 *   <li>{@code qkvBias}, {@code outputBias}: biases of q/k/v and of o_proj ({@code attention_bias}
 *       gives all four; Qwen2 always has q/k/v only; Mistral and Phi-3 never);</li>
 *   <li>{@code mlpBias}: biases of gate/up/down ({@code mlp_bias}: Llama, SmolLM3, Granite);</li>
 *   <li>{@code normAddsOne}: RMSNorm multiplies by {@code 1 + w} (Gemma family);</li>
 *   <li>{@code embeddingScale}: inputs_embeds multiplier: √hidden in float32 (Gemma family, as
 *       transformers loaded in float32 computes it), {@code embedding_multiplier} (Granite), else 1;</li>
 *   <li>{@code normPlacement}: where a layer's RMSNorms sit ({@link NormPlacement});</li>
 *   <li>{@code qkNorm}: RMSNorm of queries and keys before RoPE ({@link QkNorm}: Qwen3, Gemma-3, OLMo-2);</li>
 *   <li>{@code fusedProjections}: checkpoint stores {@code qkv_proj} and {@code gate_up_proj} (Phi-3);</li>
 *   <li>{@code rope}: RoPE of the full-attention layers (the only one for most families);
 *       {@code layerRope}: RoPE of each layer, null for none (SmolLM3's NoPE layers); Gemma-3's
 *       sliding layers have their own; {@code rotaryDim}: rotated features per head (Phi-3's
 *       {@code partial_rotary_factor}, else head_dim);</li>
 *   <li>{@code attentionSoftcap}, {@code finalSoftcap}: logit soft-capping, 0 = off (attention: Gemma-2
 *       only: Gemma3Attention stores the key but never passes it on; final: Gemma-2/3);</li>
 *   <li>{@code attentionScale}: {@code query_pre_attn_scalar^-1/2} (Gemma-2/3), {@code attention_multiplier}
 *       (Granite), else {@code headDim^-1/2};</li>
 *   <li>{@code residualMultiplier}, {@code logitsScaling}: Granite's {@code x + m·f(x)} and logits / s (1 elsewhere);</li>
 *   <li>{@code slidingWindow} per layer, 0 = full attention (Mistral, Phi-3; sliding layers of
 *       Qwen2/3, SmolLM3 and Gemma-2/3);</li>
 *   <li>{@code multimodal}: a Gemma-3 image-text checkpoint, of which the language model is loaded.</li>
 * </ul>
 * Config keys that would change the computation in a way not implemented here are refused with a
 * {@link ModelConfigException} naming the key, never silently computed otherwise.
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        float rmsNormEps,
        RopeScaling rope,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean mlpBias,
        boolean normAddsOne,
        float embeddingScale,
        boolean gatedGelu,
        NormPlacement normPlacement,
        float attentionSoftcap,
        float finalSoftcap,
        float attentionScale,
        int[] slidingWindow,
        String dtype,
        List<Integer> eosTokenIds,
        Integer bosTokenId,
        boolean outputBias,
        QkNorm qkNorm,
        boolean fusedProjections,
        RopeScaling[] layerRope,
        int rotaryDim,
        float residualMultiplier,
        float logitsScaling,
        boolean multimodal) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a decoder layer's RMSNorms sit around attention and MLP (f): transformers' decoder layer of each family. */
    public enum NormPlacement {
        /** {@code x + f(norm(x))}: Llama and most families. */
        PRE,
        /** {@code x + norm(f(norm(x)))}: Gemma-2, Gemma-3. */
        SANDWICH,
        /** {@code x + norm(f(x))}: OLMo-2. */
        POST;

        public boolean normsInput() {
            return this != POST;
        }

        public boolean normsOutput() {
            return this != PRE;
        }
    }

    /** RMSNorm of q and k before RoPE. */
    public enum QkNorm {
        NONE,
        /** over each head's head_dim features, one weight [headDim] shared by the heads (Qwen3, Gemma-3) */
        PER_HEAD,
        /** over the whole projection, weights [heads·headDim] and [kvHeads·headDim] (OLMo-2) */
        WHOLE
    }

    /** Gemma2Config's defaults for the keys that change the computation. */
    private static final String GEMMA2_DEFAULTS = """
            {"query_pre_attn_scalar": 256, "sliding_window": 4096, "attn_logit_softcapping": 50.0,
             "final_logit_softcapping": 30.0}
            """;

    /** Gemma3TextConfig's defaults: the multimodal checkpoints' text_config lists only what differs. */
    private static final String GEMMA3_TEXT_DEFAULTS = """
            {"vocab_size": 262208, "hidden_size": 2304, "intermediate_size": 9216, "num_hidden_layers": 26,
             "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256,
             "hidden_activation": "gelu_pytorch_tanh", "max_position_embeddings": 131072, "rms_norm_eps": 1e-6,
             "query_pre_attn_scalar": 256, "sliding_window": 4096, "rope_theta": 1000000.0,
             "rope_local_base_freq": 10000.0, "eos_token_id": 1, "bos_token_id": 2}
            """;

    /** Reads {@code folder/config.json}. */
    public static ModelConfig load(Path folder) {
        Path file = folder.resolve("config.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelConfigException(file + ": not found (is " + folder + " a HuggingFace model folder?)");
        } catch (IOException e) {
            throw new ModelConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelConfigException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new ModelConfigException(file + ": not a JSON object");
        return parse(root, file.toString());
    }

    /** Just the {@code model_type} of a config.json, or null when unreadable. */
    public static String modelTypeOf(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return n != null && n.hasNonNull("model_type") ? n.get("model_type").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Resolves a parsed config.json; {@code file} names it in error messages. */
    public static ModelConfig parse(JsonNode root, String file) {
        boolean multimodal = "gemma3".equals(root.path("model_type").asText(null));
        JsonNode c = multimodal ? languageModelOf(root, file) : root;
        Keys k = new Keys(c, file);
        Architecture arch = Architecture.fromModelType(k.string("model_type", null), file);
        if (arch == Architecture.GEMMA2) c = k.withDefaults(GEMMA2_DEFAULTS);
        if (arch == Architecture.GEMMA3) c = k.withDefaults(GEMMA3_TEXT_DEFAULTS);
        k = new Keys(c, file);
        refuseUnimplemented(c, k, arch, file);

        int hidden = k.integer("hidden_size", null);
        int heads = k.integer("num_attention_heads", null);
        if (heads <= 0 || hidden <= 0) throw new ModelConfigException(file + ": hidden_size and num_attention_heads must be positive");
        int kvHeads = k.integer("num_key_value_heads", heads);
        int headDim = k.integer("head_dim", hidden / heads);
        int layers = k.integer("num_hidden_layers", null);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new ModelConfigException(file + ": num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim <= 0 || headDim % 2 != 0) throw new ModelConfigException(file + ": head_dim " + headDim + " must be even and positive");
        String dtype = k.string("dtype", k.string("torch_dtype", "float32"));
        boolean gemma = arch.isGemma();
        boolean granite = arch == Architecture.GRANITE;

        // transformers: embed_scale = torch.tensor(hidden_size**0.5), a float32 buffer (unrounded in a float32 model)
        float embeddingScale = gemma ? (float) Math.sqrt(hidden)
                : granite ? (float) k.number("embedding_multiplier", 1.0) : 1f;

        boolean gatedGelu = gatedGelu(k, arch, file);

        // Sizes must be positive before anything is allocated from them (a hostile -1 would otherwise surface as an array error).
        for (String key : List.of("num_hidden_layers", "vocab_size", "intermediate_size", "max_position_embeddings")) {
            if (c.has(key) && k.integer(key, 1) <= 0) throw new ModelConfigException(file + ": " + key + " must be positive, got " + c.get(key));
        }
        if (layers > 1 << 16) throw new ModelConfigException(file + ": num_hidden_layers " + layers + " is implausible (at most 65536)");
        boolean[] slidingType = slidingLayers(c, k, arch, layers, file);
        Integer w = k.optionalInteger("sliding_window");
        int[] window = new int[layers];
        for (int i = 0; i < layers; i++) window[i] = slidingType[i] && w != null && w > 0 ? w : 0;

        int maxPositions = k.integer("max_position_embeddings", 8192);
        double partial = arch == Architecture.PHI3 ? partialRotaryFactor(c, k) : 1.0;
        int rotaryDim = (int) (headDim * partial);
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) throw new ModelConfigException(file + ": partial_rotary_factor " + partial + " gives odd rotary dimension " + rotaryDim);
        RopeScaling[] layerRope = new RopeScaling[layers];
        RopeScaling rope = layerRopes(c, k, arch, slidingType, maxPositions, rotaryDim, layerRope, file);

        boolean softcaps = arch == Architecture.GEMMA2 || arch == Architecture.GEMMA3;
        double queryScalar = softcaps ? k.number("query_pre_attn_scalar", (double) headDim) : headDim;
        float attentionScale = granite ? (float) k.number("attention_multiplier", 1.0) : (float) (1.0 / Math.sqrt(queryScalar));
        if (!(attentionScale > 0f) || Float.isInfinite(attentionScale)) {
            throw new ModelConfigException(file + ": " + (granite ? "attention_multiplier " : "query_pre_attn_scalar " + queryScalar + " gives attention scale ")
                    + attentionScale + "; it must be positive and finite");
        }

        boolean attentionBias = k.bool("attention_bias", false);
        boolean qkvBias = switch (arch) {
            case QWEN2 -> true;
            case MISTRAL, PHI3 -> false;
            default -> attentionBias;
        };
        boolean outputBias = switch (arch) {
            case QWEN2, MISTRAL, PHI3 -> false;
            default -> attentionBias;
        };
        boolean mlpBias = switch (arch) {
            case LLAMA, SMOLLM3, GRANITE -> k.bool("mlp_bias", false);
            default -> false;
        };
        NormPlacement placement = switch (arch) {
            case GEMMA2, GEMMA3 -> NormPlacement.SANDWICH;
            case OLMO2 -> NormPlacement.POST;
            default -> NormPlacement.PRE;
        };
        QkNorm qkNorm = switch (arch) {
            case QWEN3, GEMMA3 -> QkNorm.PER_HEAD;
            case OLMO2 -> QkNorm.WHOLE;
            default -> QkNorm.NONE;
        };
        // null (or absent in Gemma-3) turns a cap off. Gemma-3 keeps attn_logit_softcapping in its
        // config but modeling_gemma3.py never passes it to the attention: only Gemma-2 caps scores.
        float attnCap = arch == Architecture.GEMMA2 ? (float) k.number("attn_logit_softcapping", 0.0) : 0f;
        float finalCap = softcaps ? (float) k.number("final_logit_softcapping", 0.0) : 0f;

        return builder()
                .architecture(arch)
                .vocabSize(k.integer("vocab_size", null))
                .hiddenSize(hidden)
                .intermediateSize(k.integer("intermediate_size", null))
                .layers(layers)
                .heads(heads)
                .kvHeads(kvHeads)
                .headDim(headDim)
                .rmsNormEps((float) k.number("rms_norm_eps", 1e-6))
                .rope(rope)
                .maxPositions(maxPositions)
                .tieWordEmbeddings(k.bool("tie_word_embeddings", gemma || arch == Architecture.SMOLLM3))
                .qkvBias(qkvBias)
                .mlpBias(mlpBias)
                .normAddsOne(gemma)
                .embeddingScale(embeddingScale)
                .gatedGelu(gatedGelu)
                .normPlacement(placement)
                .attentionSoftcap(attnCap)
                .finalSoftcap(finalCap)
                .attentionScale(attentionScale)
                .slidingWindow(window)
                .dtype(dtype)
                .eosTokenIds(k.ids("eos_token_id"))
                .bosTokenId(k.optionalInteger("bos_token_id"))
                .outputBias(outputBias)
                .qkNorm(qkNorm)
                .fusedProjections(arch == Architecture.PHI3)
                .layerRope(layerRope)
                .rotaryDim(rotaryDim)
                .residualMultiplier(granite ? (float) k.number("residual_multiplier", 1.0) : 1f)
                .logitsScaling(granite ? (float) k.number("logits_scaling", 1.0) : 1f)
                .multimodal(multimodal)
                .build();
    }

    /**
     * The language model's config of a Gemma-3 image-text checkpoint ({@code Gemma3Config}): its
     * {@code text_config}, with the top-level keys that apply to the whole model (tying, special
     * ids, dtype) where text_config does not set them.
     */
    private static JsonNode languageModelOf(JsonNode root, String file) {
        JsonNode text = root.get("text_config");
        if (text == null || !text.isObject()) throw new ModelConfigException(file + ": model_type gemma3 without a text_config object");
        ObjectNode t = text.deepCopy();
        if (!t.hasNonNull("model_type")) t.put("model_type", "gemma3_text");
        if (!"gemma3_text".equals(t.get("model_type").asText())) {
            throw new ModelConfigException(file + ": text_config.model_type '" + t.get("model_type").asText() + "' (expected gemma3_text)");
        }
        for (String key : List.of("tie_word_embeddings", "eos_token_id", "bos_token_id", "pad_token_id", "dtype", "torch_dtype")) {
            if (root.has(key) && (key.equals("tie_word_embeddings") || !t.has(key))) t.set(key, root.get(key));
        }
        return t;
    }

    /** Keys whose effect transformers computes and we do not: refused rather than computed otherwise. */
    private static void refuseUnimplemented(JsonNode c, Keys k, Architecture arch, String file) {
        if (c.hasNonNull("quantization_config")) {
            throw new ModelConfigException(file + ": quantization_config is not supported (weights must be float32, bfloat16 or float16)");
        }
        if (arch == Architecture.GEMMA3 && k.bool("use_bidirectional_attention", false)) {
            throw new ModelConfigException(file + ": use_bidirectional_attention=true (an embedding model) is not supported; greater runs causal decoders");
        }
    }

    /**
     * Whether the MLP's activation is the tanh-approximated GELU (else SiLU), from the key each
     * family's MLP reads in transformers 5.17: {@code hidden_activation} for Gemma-2/3,
     * {@code hidden_act} for the others. Exact (erf) GELU ({@code "gelu"}) is refused: ACT2FN maps
     * it to {@code GELUActivation}, which differs from the tanh form by up to ~1e-3 per logit.
     * Gemma-1 is the exception: transformers 4.x's GemmaMLP ran its checkpoints (whose config.json
     * says {@code "gelu"}) with the tanh approximation, {@code hidden_activation} when given, and
     * so does this (transformers 5.17 computes erf GELU there; logits differ by ~2e-3).
     */
    private static boolean gatedGelu(Keys k, Architecture arch, String file) {
        boolean gemma2or3 = arch == Architecture.GEMMA2 || arch == Architecture.GEMMA3;
        String key = gemma2or3 ? "hidden_activation" : "hidden_act";
        String act = arch == Architecture.GEMMA ? k.string("hidden_activation", k.string("hidden_act", "gelu_pytorch_tanh"))
                : k.string(key, gemma2or3 ? "gelu_pytorch_tanh" : "silu");
        return switch (act) {
            case "silu", "swish" -> false;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> true;
            case "gelu" -> {
                if (arch == Architecture.GEMMA) yield true;
                throw new ModelConfigException(file + ": " + key + " 'gelu' (exact erf GELU) is not implemented;"
                        + " supported: silu, gelu_pytorch_tanh / gelu_new / gelu_fast (tanh approximation)");
            }
            default -> throw new ModelConfigException(file + ": unsupported " + key + " '" + act + "'");
        };
    }

    /** Which layers are sliding-attention layers, per family (window size aside). */
    private static boolean[] slidingLayers(JsonNode c, Keys k, Architecture arch, int layers, String file) {
        boolean[] sliding = new boolean[layers];
        boolean hasWindow = k.optionalInteger("sliding_window") != null;
        switch (arch) {
            case MISTRAL, PHI3 -> Arrays.fill(sliding, hasWindow); // every layer when sliding_window is set
            case QWEN2, QWEN3 -> {
                // sliding_window is dropped unless use_sliding_window; then layer_types or i >= max_window_layers
                if (k.bool("use_sliding_window", false)) {
                    int from = k.integer("max_window_layers", layers);
                    fromLayerTypes(c, sliding, file, i -> i >= from);
                }
            }
            case SMOLLM3 -> {
                if (k.bool("use_sliding_window", false) && hasWindow) {
                    int[] rope = smolLm3RopeLayers(c, k, layers, file);
                    fromLayerTypes(c, sliding, file, i -> rope[i] == 0);
                }
            }
            case GEMMA2 -> fromLayerTypes(c, sliding, file, i -> i % 2 == 0); // HF default: even layers slide
            case GEMMA3 -> {
                int pattern = k.integer("sliding_window_pattern", 6); // 4.x key; 5.x writes layer_types
                fromLayerTypes(c, sliding, file, i -> (i + 1) % pattern != 0);
            }
            default -> {
            }
        }
        return sliding;
    }

    private static void fromLayerTypes(JsonNode c, boolean[] sliding, String file, java.util.function.IntPredicate fallback) {
        JsonNode types = c.get("layer_types");
        if (types != null && types.isArray()) {
            if (types.size() != sliding.length) {
                throw new ModelConfigException(file + ": layer_types has " + types.size() + " entries for " + sliding.length + " layers");
            }
            for (int i = 0; i < sliding.length; i++) {
                String t = types.get(i).asText();
                if (t.equals("sliding_attention")) sliding[i] = true;
                else if (!t.equals("full_attention")) throw new ModelConfigException(file + ": unsupported layer type '" + t + "' in layer_types");
            }
        } else {
            for (int i = 0; i < sliding.length; i++) sliding[i] = fallback.test(i);
        }
    }

    /** SmolLM3's {@code no_rope_layers} (1 = RoPE, 0 = none), else one NoPE layer every {@code no_rope_layer_interval}. */
    private static int[] smolLm3RopeLayers(JsonNode c, Keys k, int layers, String file) {
        int[] rope = new int[layers];
        JsonNode list = c.get("no_rope_layers");
        if (list != null && list.isArray()) {
            if (list.size() != layers) throw new ModelConfigException(file + ": no_rope_layers has " + list.size() + " entries for " + layers + " layers");
            for (int i = 0; i < layers; i++) rope[i] = list.get(i).asInt();
        } else {
            int interval = k.integer("no_rope_layer_interval", 4);
            for (int i = 0; i < layers; i++) rope[i] = (i + 1) % interval != 0 ? 1 : 0;
        }
        return rope;
    }

    private static double partialRotaryFactor(JsonNode c, Keys k) {
        JsonNode p = c.get("rope_parameters");
        if (p != null && p.hasNonNull("partial_rotary_factor")) return p.get("partial_rotary_factor").asDouble();
        return k.number("partial_rotary_factor", 1.0);
    }

    /**
     * Fills {@code layerRope} and returns the RoPE of full-attention layers. One rule for most
     * families: {@code rope_parameters} (5.x) or {@code rope_scaling} + {@code rope_theta} (4.x).
     * Gemma-3: sliding layers use {@code rope_parameters.sliding_attention} or 4.x
     * {@code rope_local_base_freq} (default 10 000), full ones {@code rope_parameters.full_attention}
     * or {@code rope_theta} (default 10⁶) + {@code rope_scaling}. SmolLM3: none on NoPE layers.
     */
    private static RopeScaling layerRopes(JsonNode c, Keys k, Architecture arch, boolean[] sliding, int maxPositions,
                                          int rotaryDim, RopeScaling[] layerRope, String file) {
        JsonNode scaling = c.get("rope_scaling");
        JsonNode params = c.get("rope_parameters");
        if (scaling != null && !scaling.isObject()) scaling = null;
        if (params != null && !params.isObject()) params = null;
        double defaultTheta = arch == Architecture.SMOLLM3 ? 2_000_000.0 : 10_000.0;
        Integer topOriginal = k.optionalInteger("original_max_position_embeddings");
        if (arch == Architecture.PHI3 && topOriginal == null) topOriginal = 4096; // Phi3Config's default, which wins
        if (arch == Architecture.GEMMA3) {
            ObjectNode full = JSON.createObjectNode();
            ObjectNode local = JSON.createObjectNode();
            if (params != null && params.has("full_attention") && params.get("full_attention").isObject()) full.setAll((ObjectNode) params.get("full_attention"));
            if (params != null && params.has("sliding_attention") && params.get("sliding_attention").isObject()) local.setAll((ObjectNode) params.get("sliding_attention"));
            if (scaling != null) full.setAll((ObjectNode) scaling);
            if (!full.has("rope_theta")) full.put("rope_theta", k.number("rope_theta", 1_000_000.0));
            if (!local.has("rope_theta")) local.put("rope_theta", k.number("rope_local_base_freq", 10_000.0));
            RopeScaling global = ropeOf(full, arch, maxPositions, null, rotaryDim, file);
            RopeScaling localRope = ropeOf(local, arch, maxPositions, null, rotaryDim, file);
            for (int i = 0; i < sliding.length; i++) layerRope[i] = sliding[i] ? localRope : global;
            return global;
        }
        JsonNode dict = scaling != null ? scaling : params;
        if (dict != null && dict.has("full_attention")) {
            throw new ModelConfigException(file + ": rope_parameters per layer type are only supported for gemma3_text");
        }
        ObjectNode d = dict == null ? JSON.createObjectNode() : ((ObjectNode) dict).deepCopy();
        if (!d.hasNonNull("rope_theta")) d.put("rope_theta", k.number("rope_theta", defaultTheta));
        RopeScaling rope = ropeOf(d, arch, maxPositions, topOriginal, rotaryDim, file);
        int[] uses = arch == Architecture.SMOLLM3 ? smolLm3RopeLayers(c, k, sliding.length, file) : null;
        for (int i = 0; i < sliding.length; i++) layerRope[i] = uses == null || uses[i] != 0 ? rope : null;
        return rope;
    }

    /** One rope dict ({@code rope_type} or 4.x {@code type}, {@code rope_theta}, and the type's parameters). */
    private static RopeScaling ropeOf(JsonNode s, Architecture arch, int maxPositions, Integer topOriginal, int rotaryDim, String file) {
        double theta = s.get("rope_theta").asDouble();
        String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.hasNonNull("type") ? s.get("type").asText() : "default";
        if (arch == Architecture.PHI3 && (type.equals("su") || type.equals("yarn"))) type = "longrope"; // Phi3Config's compatibility rule
        double factor = s.hasNonNull("factor") ? s.get("factor").asDouble() : 1.0;
        int original = topOriginal != null && (arch == Architecture.PHI3 || !s.hasNonNull("original_max_position_embeddings")) ? topOriginal
                : s.hasNonNull("original_max_position_embeddings") ? s.get("original_max_position_embeddings").asInt() : maxPositions;
        return switch (type) {
            case "default" -> RopeScaling.plain(theta);
            case "linear" -> new RopeScaling("linear", theta, need(s, "factor", file), 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3", theta, factor,
                    need(s, "low_freq_factor", file), need(s, "high_freq_factor", file),
                    (int) need(s, "original_max_position_embeddings", file));
            case "dynamic" -> new RopeScaling("dynamic", theta, need(s, "factor", file), 0, 0, 0, maxPositions, null, null, 1.0);
            case "longrope" -> {
                double[] shortF = factors(s, "short_factor", rotaryDim, file), longF = factors(s, "long_factor", rotaryDim, file);
                // transformers: factor defaults to max/original; attention_factor to sqrt(1 + ln f / ln original)
                double f = s.hasNonNull("factor") ? factor : (double) maxPositions / original;
                double attention = s.hasNonNull("attention_factor") ? s.get("attention_factor").asDouble()
                        : f <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(f) / Math.log(original));
                yield new RopeScaling("longrope", theta, f, 0, 0, original, maxPositions, shortF, longF, attention);
            }
            default -> throw new ModelConfigException(file + ": unsupported rope_type '" + type
                    + "' (supported: default, linear, llama3, dynamic, longrope)");
        };
    }

    private static double[] factors(JsonNode s, String key, int rotaryDim, String file) {
        JsonNode v = s.get(key);
        if (v == null || !v.isArray() || v.size() != rotaryDim / 2) {
            throw new ModelConfigException(file + ": longrope " + key + " must be a list of " + rotaryDim / 2 + " numbers");
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).asDouble();
        return out;
    }

    private static double need(JsonNode s, String key, String file) {
        JsonNode v = s.get(key);
        if (v == null || !v.isNumber()) throw new ModelConfigException(file + ": rope scaling lacks numeric '" + key + "'");
        return v.asDouble();
    }

    /**
     * A builder naming each component (see the class comment for their meaning). Neutral values are
     * preset where one exists: embeddingScale, residualMultiplier and logitsScaling 1, PRE norms, no
     * q/k norm, dtype float32, no EOS ids; everything else starts at 0, false or null.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Sets components by name; {@link #build()} makes the record. */
    public static final class Builder {
        private Architecture architecture;
        private int vocabSize;
        private int hiddenSize;
        private int intermediateSize;
        private int layers;
        private int heads;
        private int kvHeads;
        private int headDim;
        private float rmsNormEps;
        private RopeScaling rope;
        private int maxPositions;
        private boolean tieWordEmbeddings;
        private boolean qkvBias;
        private boolean mlpBias;
        private boolean normAddsOne;
        private float embeddingScale = 1f;
        private boolean gatedGelu;
        private NormPlacement normPlacement = NormPlacement.PRE;
        private float attentionSoftcap;
        private float finalSoftcap;
        private float attentionScale;
        private int[] slidingWindow;
        private String dtype = "float32";
        private List<Integer> eosTokenIds = List.of();
        private Integer bosTokenId;
        private boolean outputBias;
        private QkNorm qkNorm = QkNorm.NONE;
        private boolean fusedProjections;
        private RopeScaling[] layerRope;
        private int rotaryDim;
        private float residualMultiplier = 1f;
        private float logitsScaling = 1f;
        private boolean multimodal;

        private Builder() {
        }

        public Builder architecture(Architecture v) {
            architecture = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder intermediateSize(int v) {
            intermediateSize = v;
            return this;
        }

        public Builder layers(int v) {
            layers = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        public Builder kvHeads(int v) {
            kvHeads = v;
            return this;
        }

        public Builder headDim(int v) {
            headDim = v;
            return this;
        }

        public Builder rmsNormEps(float v) {
            rmsNormEps = v;
            return this;
        }

        public Builder rope(RopeScaling v) {
            rope = v;
            return this;
        }

        public Builder maxPositions(int v) {
            maxPositions = v;
            return this;
        }

        public Builder tieWordEmbeddings(boolean v) {
            tieWordEmbeddings = v;
            return this;
        }

        public Builder qkvBias(boolean v) {
            qkvBias = v;
            return this;
        }

        public Builder mlpBias(boolean v) {
            mlpBias = v;
            return this;
        }

        public Builder normAddsOne(boolean v) {
            normAddsOne = v;
            return this;
        }

        public Builder embeddingScale(float v) {
            embeddingScale = v;
            return this;
        }

        public Builder gatedGelu(boolean v) {
            gatedGelu = v;
            return this;
        }

        public Builder normPlacement(NormPlacement v) {
            normPlacement = v;
            return this;
        }

        public Builder attentionSoftcap(float v) {
            attentionSoftcap = v;
            return this;
        }

        public Builder finalSoftcap(float v) {
            finalSoftcap = v;
            return this;
        }

        public Builder attentionScale(float v) {
            attentionScale = v;
            return this;
        }

        public Builder slidingWindow(int[] v) {
            slidingWindow = v;
            return this;
        }

        public Builder dtype(String v) {
            dtype = v;
            return this;
        }

        public Builder eosTokenIds(List<Integer> v) {
            eosTokenIds = v;
            return this;
        }

        public Builder bosTokenId(Integer v) {
            bosTokenId = v;
            return this;
        }

        public Builder outputBias(boolean v) {
            outputBias = v;
            return this;
        }

        public Builder qkNorm(QkNorm v) {
            qkNorm = v;
            return this;
        }

        public Builder fusedProjections(boolean v) {
            fusedProjections = v;
            return this;
        }

        public Builder layerRope(RopeScaling[] v) {
            layerRope = v;
            return this;
        }

        public Builder rotaryDim(int v) {
            rotaryDim = v;
            return this;
        }

        public Builder residualMultiplier(float v) {
            residualMultiplier = v;
            return this;
        }

        public Builder logitsScaling(float v) {
            logitsScaling = v;
            return this;
        }

        public Builder multimodal(boolean v) {
            multimodal = v;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, headDim,
                    rmsNormEps, rope, maxPositions, tieWordEmbeddings, qkvBias, mlpBias, normAddsOne, embeddingScale,
                    gatedGelu, normPlacement, attentionSoftcap, finalSoftcap, attentionScale, slidingWindow, dtype,
                    eosTokenIds, bosTokenId, outputBias, qkNorm, fusedProjections, layerRope, rotaryDim,
                    residualMultiplier, logitsScaling, multimodal);
        }
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Typed access to config keys; a missing or mistyped required key names the file and key. */
    private record Keys(JsonNode c, String file) {
        int integer(String key, Integer fallback) {
            JsonNode v = c.get(key);
            if (v == null || v.isNull()) {
                if (fallback == null) throw new ModelConfigException(file + ": missing required key '" + key + "'");
                return fallback;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) throw new ModelConfigException(file + ": '" + key + "' must be an integer, got " + v);
            return v.asInt();
        }

        Integer optionalInteger(String key) {
            JsonNode v = c.get(key);
            if (v == null || v.isNull()) return null;
            if (!v.isIntegralNumber()) throw new ModelConfigException(file + ": '" + key + "' must be an integer, got " + v);
            return v.asInt();
        }

        /** A copy of the config with the keys of {@code defaults} (JSON) it lacks filled in. */
        JsonNode withDefaults(String defaults) {
            ObjectNode out = c.deepCopy();
            try {
                JSON.readTree(defaults).properties().forEach(e -> {
                    if (!out.has(e.getKey())) out.set(e.getKey(), e.getValue());
                });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }

        double number(String key, Double fallback) {
            JsonNode v = c.get(key);
            if (v == null || v.isNull()) {
                if (fallback == null) throw new ModelConfigException(file + ": missing required key '" + key + "'");
                return fallback;
            }
            if (!v.isNumber()) throw new ModelConfigException(file + ": '" + key + "' must be a number, got " + v);
            return v.asDouble();
        }

        String string(String key, String fallback) {
            JsonNode v = c.get(key);
            if (v == null || v.isNull()) {
                if (fallback == null) throw new ModelConfigException(file + ": missing required key '" + key + "'");
                return fallback;
            }
            return v.asText();
        }

        boolean bool(String key, boolean fallback) {
            JsonNode v = c.get(key);
            return v == null || v.isNull() ? fallback : v.asBoolean();
        }

        /** eos_token_id may be an int or a list of ints. */
        List<Integer> ids(String key) {
            JsonNode v = c.get(key);
            List<Integer> out = new ArrayList<>();
            if (v == null || v.isNull()) return out;
            if (v.isArray()) v.forEach(e -> out.add(e.asInt()));
            else out.add(v.asInt());
            return out;
        }
    }
}
