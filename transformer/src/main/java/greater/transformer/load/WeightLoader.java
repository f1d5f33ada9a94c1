package greater.transformer.load;

import greater.tensor.Shape;
import greater.tensor.Tensor;
import greater.tensor.safetensors.SafetensorsFile;
import greater.tensor.safetensors.ShardedSafetensors;
import greater.tensor.safetensors.TensorInfo;
import greater.tensor.safetensors.TensorSource;
import greater.transformer.config.ModelConfig;
import greater.transformer.config.ModelConfig.QkNorm;
import greater.transformer.model.HfName;
import greater.transformer.model.LayerWeights;
import greater.transformer.model.ModelWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds {@link ModelWeights} from safetensors by HuggingFace names, checking that every expected
 * tensor is present with the shape the config implies and a float dtype, so a wrong checkpoint
 * fails at load time with the tensor's name, never later inside a kernel. Weights stay
 * zero-copy views of the mapped files in their stored dtype (Phi-3's fused projections become
 * row views).
 *
 * <p>Nothing is dropped silently: every tensor of the checkpoint is consumed, or known to be
 * ignorable (stale {@code rotary_emb.inv_freq} buffers; the vision tower and projector of a Gemma-3
 * image-text checkpoint, reported in one line), or the load fails with a {@link ModelLoadException}
 * naming the first unexpected tensor and the architecture. For a sharded checkpoint "every tensor"
 * means every tensor of every shard file, as transformers reads them, not just the weight_map's.
 */
public final class WeightLoader {
    /** Where the decoder's weights live: text checkpoints ("model." or bare), Gemma-3 image-text (4.x and 5.x names). */
    private static final List<String> TEXT_PREFIXES = List.of(HfName.TEXT, "");
    private static final List<String> MULTIMODAL_PREFIXES = List.of("language_model.model.", "model.language_model.");
    private static final List<String> VISION_PREFIXES = List.of("vision_tower.", "multi_modal_projector.",
            "model.vision_tower.", "model.multi_modal_projector.");

    private final TensorSource source;
    private final ModelConfig c;
    private final String prefix;
    private final Set<String> consumed = new HashSet<>();

    private WeightLoader(TensorSource source, ModelConfig config) {
        this.source = source;
        this.c = config;
        List<String> prefixes = config.multimodal() ? MULTIMODAL_PREFIXES : TEXT_PREFIXES;
        this.prefix = prefixes.stream().filter(p -> source.contains(HfName.EMBED_TOKENS.of(p))).findFirst().orElse(prefixes.get(0));
    }

    /** Loads the weights; notes about skipped parts (a vision tower) go to standard error. */
    public static ModelWeights load(TensorSource source, ModelConfig config) {
        return load(source, config, System.err::println);
    }

    /**
     * Loads the weights of {@code config}'s architecture from {@code source}.
     *
     * @param notes receives one line per knowingly skipped part of the checkpoint
     * @throws ModelLoadException for a missing, misshapen, non-float or unexpected tensor
     */
    public static ModelWeights load(TensorSource source, ModelConfig config, Consumer<String> notes) {
        WeightLoader loader = new WeightLoader(source, config);
        ModelWeights weights = loader.load();
        loader.checkEverythingConsumed(notes);
        return weights;
    }

    private ModelWeights load() {
        int h = c.hiddenSize(), q = c.qDim(), kv = c.kvDim(), inter = c.intermediateSize(), d = c.headDim();
        Tensor embed = get(HfName.EMBED_TOKENS.of(prefix), c.vocabSize(), h);
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) layers.add(layer(i, h, q, kv, inter, d));
        Tensor norm = get(HfName.FINAL_NORM.of(prefix), h);
        String multimodalHead = HfName.LM_HEAD.of("language_model.");
        String headName = c.multimodal() && source.contains(multimodalHead) ? multimodalHead : HfName.LM_HEAD.of("");
        Tensor head = c.tieWordEmbeddings() && !source.contains(headName) ? embed : get(headName, c.vocabSize(), h);
        return new ModelWeights(embed, List.copyOf(layers), norm, head);
    }

    /** Decoder layer i; shapes as in {@link LayerWeights} (h = H, q = Q, kv = K, inter = I, d = D). */
    private LayerWeights layer(int i, int h, int q, int kv, int inter, int d) {
        Map<HfName, Tensor> t = new EnumMap<>(HfName.class);
        if (c.fusedProjections()) {
            Tensor qkv = get(HfName.QKV_PROJ.of(prefix, i), q + 2 * kv, h);
            t.put(HfName.Q_PROJ, rows(qkv, 0, q));
            t.put(HfName.K_PROJ, rows(qkv, q, q + kv));
            t.put(HfName.V_PROJ, rows(qkv, q + kv, q + 2 * kv));
            Tensor gateUp = get(HfName.GATE_UP_PROJ.of(prefix, i), 2 * inter, h);
            t.put(HfName.GATE_PROJ, rows(gateUp, 0, inter));
            t.put(HfName.UP_PROJ, rows(gateUp, inter, 2 * inter));
        } else {
            put(t, HfName.Q_PROJ, i, q, h);
            put(t, HfName.K_PROJ, i, kv, h);
            put(t, HfName.V_PROJ, i, kv, h);
            put(t, HfName.GATE_PROJ, i, inter, h);
            put(t, HfName.UP_PROJ, i, inter, h);
        }
        // The order of the get calls decides which missing tensor is reported first.
        if (c.normPlacement().normsInput()) put(t, HfName.INPUT_NORM, i, h);
        if (c.qkvBias()) {
            put(t, HfName.Q_BIAS, i, q);
            put(t, HfName.K_BIAS, i, kv);
            put(t, HfName.V_BIAS, i, kv);
        }
        put(t, HfName.O_PROJ, i, h, q);
        put(t, HfName.POST_ATTENTION_NORM, i, h);
        if (c.normPlacement() == ModelConfig.NormPlacement.SANDWICH) put(t, HfName.PRE_FEEDFORWARD_NORM, i, h);
        if (c.normPlacement().normsOutput()) put(t, HfName.POST_FEEDFORWARD_NORM, i, h);
        put(t, HfName.DOWN_PROJ, i, h, inter);
        if (c.outputBias()) put(t, HfName.O_BIAS, i, h);
        if (c.qkNorm() != QkNorm.NONE) {
            boolean perHead = c.qkNorm() == QkNorm.PER_HEAD;
            put(t, HfName.Q_NORM, i, perHead ? d : q);
            put(t, HfName.K_NORM, i, perHead ? d : kv);
        }
        if (c.mlpBias()) {
            put(t, HfName.GATE_BIAS, i, inter);
            put(t, HfName.UP_BIAS, i, inter);
            put(t, HfName.DOWN_BIAS, i, h);
        }
        return LayerWeights.of(t);
    }

    /** Reads tensor {@code name} of layer {@code layer}, of shape {@code dims}, into {@code t}. */
    private void put(Map<HfName, Tensor> t, HfName name, int layer, int... dims) {
        t.put(name, get(name.of(prefix, layer), dims));
    }

    /**
     * Every tensor not consumed must be ignorable; the vision tower of an image-text checkpoint is
     * reported in one line, anything else fails naming the first such tensor.
     */
    private void checkEverythingConsumed(Consumer<String> notes) {
        long visionTensors = 0, visionParameters = 0;
        List<String> unexpected = new ArrayList<>();
        for (String name : source.names()) {
            if (consumed.contains(name) || name.endsWith(HfName.ROTARY_BUFFER_SUFFIX)) continue;
            if (c.multimodal() && VISION_PREFIXES.stream().anyMatch(name::startsWith)) {
                visionTensors++;
                visionParameters += source.info(name).elementCount();
                continue;
            }
            unexpected.add(name);
        }
        if (!unexpected.isEmpty()) {
            String first = unexpected.get(0);
            throw new ModelLoadException(source.fileOf(first) + ": unexpected tensor '" + first + "' " + Arrays.toString(source.info(first).shape())
                    + " for " + c.architecture().hfClass + " as config.json describes it"
                    + HfName.parse(first).map(n -> " (a known " + n.suffix + " tensor, which config.json's settings leave out)").orElse("")
                    + (unexpected.size() > 1 ? " (and " + (unexpected.size() - 1) + " more)" : "")
                    + "; refusing to drop checkpoint weights silently");
        }
        Map<String, Path> outside = outsideTheIndex();
        if (!outside.isEmpty()) {
            var first = outside.entrySet().iterator().next();
            throw new ModelLoadException(first.getValue() + ": tensor '" + first.getKey() + "' is not in "
                    + source.path().getFileName() + "'s weight_map for this shard"
                    + (outside.size() > 1 ? " (and " + (outside.size() - 1) + " more)" : "")
                    + "; refusing to drop checkpoint weights silently");
        }
        if (visionTensors > 0) {
            notes.accept(String.format("%s: Gemma3ForConditionalGeneration checkpoint: loaded its language model for text; "
                    + "skipped the vision tower and projector (%d tensors, %,d parameters)", source.path(), visionTensors, visionParameters));
        }
    }

    /**
     * Tensors a shard holds that the index does not map to that shard (absent from the weight_map,
     * or a second copy of a tensor the weight_map puts elsewhere): transformers loads every tensor
     * of every shard file and reports these as unexpected, so they are never ignored here either.
     * Name → the shard holding it, in shard order.
     */
    private Map<String, Path> outsideTheIndex() {
        Map<String, Path> out = new LinkedHashMap<>();
        if (!(source instanceof ShardedSafetensors sharded)) return out;
        for (SafetensorsFile shard : sharded.shards()) {
            for (String name : shard.names()) {
                if (name.endsWith(HfName.ROTARY_BUFFER_SUFFIX)) continue;
                if (!source.contains(name) || !source.fileOf(name).equals(shard.path())) out.putIfAbsent(name, shard.path());
            }
        }
        return out;
    }

    /** Rows [from, to) of a 2-D weight [R, C] as a zero-copy view [to - from, C]. */
    private static Tensor rows(Tensor w, int from, int to) {
        long rowBytes = (long) w.dim(1) * w.dtype().bytes;
        return Tensor.view(w.segment().asSlice(from * rowBytes, (to - from) * rowBytes), w.dtype(), Shape.of(to - from, w.dim(1)));
    }

    private Tensor get(String name, int... dims) {
        if (!source.contains(name)) {
            throw new ModelLoadException(source.path() + ": missing tensor '" + name + "' (expected shape " + Arrays.toString(dims)
                    + ") for " + c.architecture().hfClass);
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
        consumed.add(name);
        return source.tensor(name);
    }
}
