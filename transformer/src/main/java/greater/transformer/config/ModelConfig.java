package greater.transformer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's configuration, resolved once from config.json (transformers 4.x keys such as
 * {@code rope_theta}/{@code rope_scaling}/{@code torch_dtype} or 5.x keys {@code rope_parameters}/
 * {@code dtype}) into plain values and the named switches that distinguish the families:
 *
 * <ul>
 *   <li>{@code qkvBias}: q/k/v projections carry biases (Qwen2; Llama's {@code attention_bias});</li>
 *   <li>{@code normAddsOne}: RMSNorm multiplies by {@code 1 + w} (Gemma, Gemma-2);</li>
 *   <li>{@code embeddingScale}: input embeddings are multiplied by sqrt(hidden), rounded to the
 *       model dtype as transformers does ({@code torch.tensor(hidden**0.5, dtype=...)}) (Gemma);</li>
 *   <li>{@code sandwichNorms}: extra norms after attention and around the MLP (Gemma-2);</li>
 *   <li>{@code attentionSoftcap}, {@code finalSoftcap}: logit soft-capping, 0 = off (Gemma-2);</li>
 *   <li>{@code attentionScale}: {@code query_pre_attn_scalar^-1/2} for Gemma-2, else {@code headDim^-1/2};</li>
 *   <li>{@code slidingWindow} per layer, 0 = full attention (Mistral; Gemma-2's sliding layers).</li>
 * </ul>
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
        boolean sandwichNorms,
        float attentionSoftcap,
        float finalSoftcap,
        float attentionScale,
        int[] slidingWindow,
        String dtype,
        List<Integer> eosTokenIds,
        Integer bosTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

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
    public static ModelConfig parse(JsonNode c, String file) {
        Keys k = new Keys(c, file);
        Architecture arch = Architecture.fromModelType(k.string("model_type", null), file);
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

        float scale = 1f;
        if (gemma) {
            // transformers: normalizer = torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype)
            float s = (float) Math.sqrt(hidden);
            scale = switch (dtype) {
                case "bfloat16" -> greater.tensor.Float16s.roundToBf16(s);
                case "float16" -> Float.float16ToFloat(Float.floatToFloat16(s));
                default -> s;
            };
        }

        String act = k.string("hidden_activation", k.string("hidden_act", "silu"));
        boolean gatedGelu = switch (act) {
            case "silu", "swish" -> false;
            // Gemma checkpoints that say "gelu" are run with the tanh approximation by transformers.
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast", "gelu" -> true;
            default -> throw new ModelConfigException(file + ": unsupported hidden_act '" + act + "'");
        };

        // Sizes must be positive before anything is allocated from them (a hostile -1 would otherwise surface as an array error).
        for (String key : List.of("num_hidden_layers", "vocab_size", "intermediate_size", "max_position_embeddings")) {
            if (c.has(key) && k.integer(key, 1) <= 0) throw new ModelConfigException(file + ": " + key + " must be positive, got " + c.get(key));
        }
        if (layers > 1 << 16) throw new ModelConfigException(file + ": num_hidden_layers " + layers + " is implausible (at most 65536)");
        int[] window = slidingWindows(c, k, arch, layers, file);
        float queryScalar = arch == Architecture.GEMMA2 ? (float) k.number("query_pre_attn_scalar", (double) headDim) : headDim;

        return new ModelConfig(arch,
                k.integer("vocab_size", null), hidden, k.integer("intermediate_size", null), layers,
                heads, kvHeads, headDim,
                (float) k.number("rms_norm_eps", 1e-6),
                rope(c, k, file), k.integer("max_position_embeddings", 8192),
                k.bool("tie_word_embeddings", gemma),
                arch == Architecture.QWEN2 || k.bool("attention_bias", false),
                k.bool("mlp_bias", false),
                gemma, scale, gatedGelu,
                arch == Architecture.GEMMA2,
                arch == Architecture.GEMMA2 ? (float) k.number("attn_logit_softcapping", 0.0) : 0f,
                arch == Architecture.GEMMA2 ? (float) k.number("final_logit_softcapping", 0.0) : 0f,
                (float) (1.0 / Math.sqrt(queryScalar)),
                window, dtype, k.ids("eos_token_id"), k.optionalInteger("bos_token_id"));
    }

    private static int[] slidingWindows(JsonNode c, Keys k, Architecture arch, int layers, String file) {
        int[] window = new int[layers];
        Integer w = k.optionalInteger("sliding_window");
        if (w == null || w <= 0) return window;
        switch (arch) {
            case MISTRAL -> java.util.Arrays.fill(window, w);
            case QWEN2 -> {
                if (k.bool("use_sliding_window", false)) fromLayerTypes(c, window, w, file,
                        i -> i >= k.integer("max_window_layers", layers));
            }
            case GEMMA2 -> fromLayerTypes(c, window, w, file, i -> i % 2 == 0); // HF default: even layers slide
            default -> {
            }
        }
        return window;
    }

    private static void fromLayerTypes(JsonNode c, int[] window, int w, String file, java.util.function.IntPredicate fallback) {
        JsonNode types = c.get("layer_types");
        if (types != null && types.isArray()) {
            if (types.size() != window.length) {
                throw new ModelConfigException(file + ": layer_types has " + types.size() + " entries for " + window.length + " layers");
            }
            for (int i = 0; i < window.length; i++) {
                String t = types.get(i).asText();
                if (t.equals("sliding_attention")) window[i] = w;
                else if (!t.equals("full_attention")) throw new ModelConfigException(file + ": unknown layer type '" + t + "'");
            }
        } else {
            for (int i = 0; i < window.length; i++) if (fallback.test(i)) window[i] = w;
        }
    }

    /** rope_parameters (transformers 5) or rope_theta + rope_scaling (4.x). */
    private static RopeScaling rope(JsonNode c, Keys k, String file) {
        JsonNode p = c.get("rope_parameters");
        if (p != null && p.isObject() && p.has("full_attention")) p = p.get("full_attention"); // per layer type
        JsonNode scaling = c.get("rope_scaling");
        double theta = k.number("rope_theta", p != null && p.has("rope_theta") ? p.get("rope_theta").asDouble() : 10000.0);
        JsonNode s = (p != null && p.isObject()) ? p : (scaling != null && scaling.isObject() ? scaling : null);
        if (s == null) return RopeScaling.plain(theta);
        String type = s.has("rope_type") ? s.get("rope_type").asText() : s.has("type") ? s.get("type").asText() : "default";
        double factor = s.has("factor") ? s.get("factor").asDouble() : 1.0;
        return switch (type) {
            case "default" -> RopeScaling.plain(theta);
            case "linear" -> new RopeScaling("linear", theta, factor, 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3", theta, factor,
                    need(s, "low_freq_factor", file), need(s, "high_freq_factor", file),
                    (int) need(s, "original_max_position_embeddings", file));
            default -> throw new ModelConfigException(file + ": unsupported rope_type '" + type + "' (supported: default, linear, llama3)");
        };
    }

    private static double need(JsonNode s, String key, String file) {
        JsonNode v = s.get(key);
        if (v == null || !v.isNumber()) throw new ModelConfigException(file + ": rope scaling lacks numeric '" + key + "'");
        return v.asDouble();
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
