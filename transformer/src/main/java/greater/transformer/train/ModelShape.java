package greater.transformer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.transformer.config.ModelConfig;

/**
 * The hyperparameters of a Llama-architecture model trained from scratch: tied input/output
 * embeddings, SwiGLU MLP, RMSNorm, rotary positions, no biases. {@link #configJson} writes the
 * HuggingFace config.json ({@code LlamaForCausalLM}, bf16) that both transformers and
 * {@link ModelConfig} read.
 */
public record ModelShape(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                         int maxPositions, double ropeTheta, double rmsNormEps) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelShape {
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || layers <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive: " + this);
        }
        if (heads <= 0 || hiddenSize % heads != 0 || (hiddenSize / heads) % 2 != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " must split into " + heads + " heads of even size");
        }
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads are not a multiple of " + kvHeads + " kv heads");
        }
    }

    /** Named sizes: {@code tiny} (tests, seconds), {@code small} (the shipped demo model). */
    public static ModelShape preset(String name, int vocabSize) {
        return switch (name) {
            case "tiny" -> new ModelShape(vocabSize, 32, 64, 2, 2, 2, 256, 10000.0, 1e-5);
            case "small" -> new ModelShape(vocabSize, 128, 384, 4, 4, 4, 256, 10000.0, 1e-5);
            default -> throw new IllegalArgumentException("unknown model size '" + name + "' (tiny, small)");
        };
    }

    public int headDim() {
        return hiddenSize / heads;
    }

    /** config.json for this shape (transformers 4.x and 5.x keys both present). */
    public ObjectNode configJson(Integer bosTokenId, int eosTokenId, Integer padTokenId) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", hiddenSize);
        c.put("intermediate_size", intermediateSize);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("head_dim", headDim());
        c.put("hidden_act", "silu");
        c.put("max_position_embeddings", maxPositions);
        c.put("rms_norm_eps", rmsNormEps);
        c.put("rope_theta", ropeTheta);
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_theta", ropeTheta);
        rope.put("rope_type", "default");
        c.put("tie_word_embeddings", true);
        c.put("attention_bias", false);
        c.put("attention_dropout", 0.0);
        c.put("mlp_bias", false);
        c.put("initializer_range", 0.02);
        c.put("use_cache", true);
        if (bosTokenId == null) c.putNull("bos_token_id");
        else c.put("bos_token_id", bosTokenId);
        c.put("eos_token_id", eosTokenId);
        if (padTokenId == null) c.putNull("pad_token_id");
        else c.put("pad_token_id", padTokenId);
        c.put("dtype", "bfloat16");
        c.put("torch_dtype", "bfloat16");
        return c;
    }

    /** The resolved config our {@link greater.transformer.model.Transformer} runs with. */
    public ModelConfig modelConfig() {
        return ModelConfig.parse(configJson(null, 0, null), "model shape " + this);
    }

    public String toJson() {
        return JSON.valueToTree(this).toString();
    }

    public static ModelShape fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return JSON.treeToValue(n, ModelShape.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a model shape: " + json, e);
        }
    }
}
