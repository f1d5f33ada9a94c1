package greater.transformer.load;

import greater.tensor.Tensor;
import greater.tensor.safetensors.TensorInfo;
import greater.tensor.safetensors.TensorSource;
import greater.transformer.config.ModelConfig;
import greater.transformer.model.LayerWeights;
import greater.transformer.model.ModelWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link ModelWeights} from safetensors by HuggingFace names, checking that every expected
 * tensor is present with the shape the config implies and a float dtype, so a wrong checkpoint
 * fails at load time with the tensor's name, never later inside a kernel. Weights stay
 * zero-copy views of the mapped files in their stored dtype.
 */
public final class WeightLoader {
    private final TensorSource source;
    private final ModelConfig c;
    private final String prefix;

    private WeightLoader(TensorSource source, ModelConfig config) {
        this.source = source;
        this.c = config;
        // Some exports drop the "model." prefix; accept both spellings.
        this.prefix = source.contains("model.embed_tokens.weight") || !source.contains("embed_tokens.weight") ? "model." : "";
    }

    public static ModelWeights load(TensorSource source, ModelConfig config) {
        return new WeightLoader(source, config).load();
    }

    private ModelWeights load() {
        int h = c.hiddenSize(), q = c.qDim(), kv = c.kvDim(), inter = c.intermediateSize();
        Tensor embed = get(prefix + "embed_tokens.weight", c.vocabSize(), h);
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String p = prefix + "layers." + i + ".";
            boolean gemma2 = c.sandwichNorms();
            layers.add(new LayerWeights(
                    get(p + "input_layernorm.weight", h),
                    get(p + "self_attn.q_proj.weight", q, h), c.qkvBias() ? get(p + "self_attn.q_proj.bias", q) : null,
                    get(p + "self_attn.k_proj.weight", kv, h), c.qkvBias() ? get(p + "self_attn.k_proj.bias", kv) : null,
                    get(p + "self_attn.v_proj.weight", kv, h), c.qkvBias() ? get(p + "self_attn.v_proj.bias", kv) : null,
                    get(p + "self_attn.o_proj.weight", h, q),
                    get(p + "post_attention_layernorm.weight", h),
                    gemma2 ? get(p + "pre_feedforward_layernorm.weight", h) : null,
                    gemma2 ? get(p + "post_feedforward_layernorm.weight", h) : null,
                    get(p + "mlp.gate_proj.weight", inter, h),
                    get(p + "mlp.up_proj.weight", inter, h),
                    get(p + "mlp.down_proj.weight", h, inter)));
        }
        Tensor norm = get(prefix + "norm.weight", h);
        Tensor head = c.tieWordEmbeddings() && !source.contains("lm_head.weight") ? embed : get("lm_head.weight", c.vocabSize(), h);
        if (c.mlpBias()) throw new ModelLoadException(source.path() + ": mlp_bias=true is not supported");
        return new ModelWeights(embed, List.copyOf(layers), norm, head);
    }

    private Tensor get(String name, int... dims) {
        if (!source.contains(name)) {
            throw new ModelLoadException(source.path() + ": missing tensor '" + name + "' (expected shape " + Arrays.toString(dims) + ")");
        }
        TensorInfo info = source.info(name);
        long[] expected = Arrays.stream(dims).asLongStream().toArray();
        if (!Arrays.equals(info.shape(), expected)) {
            throw new ModelLoadException(source.fileOf(name) + ": tensor '" + name + "' has shape "
                    + Arrays.toString(info.shape()) + ", config.json implies " + Arrays.toString(dims));
        }
        if (!info.dtype().isFloatTensorType()) {
            throw new ModelLoadException(source.fileOf(name) + ": tensor '" + name + "' has dtype " + info.dtype() + "; expected F32, BF16 or F16");
        }
        return source.tensor(name);
    }
}
