package greater.transformer.train;

import greater.tensor.DType;
import greater.tensor.Tensor;
import greater.tensor.safetensors.SafetensorsWriter;
import greater.transformer.config.ModelConfig;
import greater.transformer.model.HfName;
import greater.transformer.model.LayerWeights;
import greater.transformer.model.ModelWeights;
import greater.transformer.model.Transformer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a {@link ModelShape} as owned F32 tensors that require gradients, under their
 * HuggingFace names, wired into the same {@link ModelWeights}/{@link Transformer} that inference
 * uses (the forward reads owned tensors as it reads mapped ones). The LM head is the embedding
 * table ({@code tie_word_embeddings}), so its gradient is the sum of both uses.
 */
public final class TrainableModel {
    /** One parameter: HF name, dimensions, and whether AdamW decays it (matrices yes, norms no). */
    public record Parameter(String name, int[] dims, boolean decay) {
        public int size() {
            int n = 1;
            for (int d : dims) n *= d;
            return n;
        }
    }

    // The Llama tensors this model has (names from HfName, under the text prefix "model.").
    private static final String EMBED = HfName.EMBED_TOKENS.of(HfName.TEXT), FINAL_NORM = HfName.FINAL_NORM.of(HfName.TEXT);
    private static final List<HfName> LAYER_TENSORS = List.of(HfName.INPUT_NORM, HfName.Q_PROJ, HfName.K_PROJ,
            HfName.V_PROJ, HfName.O_PROJ, HfName.POST_ATTENTION_NORM, HfName.GATE_PROJ, HfName.UP_PROJ, HfName.DOWN_PROJ);

    private final ModelShape shape;
    private final ModelConfig config;
    private final Map<String, Tensor> tensors;
    private final List<Parameter> layout;
    private final Transformer transformer;

    private TrainableModel(ModelShape shape, Map<String, float[]> values) {
        this.shape = shape;
        this.config = shape.modelConfig();
        this.layout = layout(shape);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Parameter p : layout) {
            float[] v = values.get(p.name());
            if (v == null) throw new IllegalArgumentException("missing parameter " + p.name());
            if (v.length != p.size()) throw new IllegalArgumentException(p.name() + ": " + v.length + " values for " + java.util.Arrays.toString(p.dims()));
            t.put(p.name(), Tensor.of(v, p.dims()).requiresGrad(true));
        }
        this.tensors = Collections.unmodifiableMap(t);
        this.transformer = new Transformer(config, weights());
    }

    /** HuggingFace's Llama init: every matrix N(0, std²) (std = initializer_range 0.02), every norm 1. */
    public static TrainableModel initialize(ModelShape shape, Rng rng, double std) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Parameter p : layout(shape)) {
            float[] v = new float[p.size()];
            if (p.dims().length == 1) java.util.Arrays.fill(v, 1f);
            else for (int i = 0; i < v.length; i++) v[i] = (float) (std * rng.gaussian());
            values.put(p.name(), v);
        }
        return new TrainableModel(shape, values);
    }

    /** A model from stored values (a checkpoint), by HF name; arrays are used, not copied. */
    public static TrainableModel of(ModelShape shape, Map<String, float[]> values) {
        return new TrainableModel(shape, values);
    }

    /** Every parameter of {@code shape} in storage order. */
    public static List<Parameter> layout(ModelShape s) {
        int h = s.hiddenSize(), q = s.heads() * s.headDim(), kv = s.kvHeads() * s.headDim(), in = s.intermediateSize();
        List<Parameter> ps = new ArrayList<>();
        ps.add(new Parameter(EMBED, new int[]{s.vocabSize(), h}, true));
        for (int l = 0; l < s.layers(); l++) {
            ps.add(new Parameter(layer(l, HfName.INPUT_NORM), new int[]{h}, false));
            ps.add(new Parameter(layer(l, HfName.Q_PROJ), new int[]{q, h}, true));
            ps.add(new Parameter(layer(l, HfName.K_PROJ), new int[]{kv, h}, true));
            ps.add(new Parameter(layer(l, HfName.V_PROJ), new int[]{kv, h}, true));
            ps.add(new Parameter(layer(l, HfName.O_PROJ), new int[]{h, q}, true));
            ps.add(new Parameter(layer(l, HfName.POST_ATTENTION_NORM), new int[]{h}, false));
            ps.add(new Parameter(layer(l, HfName.GATE_PROJ), new int[]{in, h}, true));
            ps.add(new Parameter(layer(l, HfName.UP_PROJ), new int[]{in, h}, true));
            ps.add(new Parameter(layer(l, HfName.DOWN_PROJ), new int[]{h, in}, true));
        }
        ps.add(new Parameter(FINAL_NORM, new int[]{h}, false));
        return List.copyOf(ps);
    }

    public ModelShape shape() {
        return shape;
    }

    public List<Parameter> layout() {
        return layout;
    }

    /** The trainable tensors by HF name, in {@link #layout()} order (tests compare them). */
    Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter " + name);
        return t;
    }

    /** The inference/autodiff transformer over these (live) weights. */
    public Transformer transformer() {
        return transformer;
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : layout) n += p.size();
        return n;
    }

    private ModelWeights weights() {
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < shape.layers(); l++) {
            Map<HfName, Tensor> t = new EnumMap<>(HfName.class);  // Llama: no biases, q/k norms or sandwich norms
            for (HfName n : LAYER_TENSORS) t.put(n, tensor(layer(l, n)));
            layers.add(LayerWeights.of(t));
        }
        Tensor embed = tensor(EMBED);
        return new ModelWeights(embed, List.copyOf(layers), tensor(FINAL_NORM), embed);
    }

    private static String layer(int index, HfName name) {
        return name.of(HfName.TEXT, index);
    }

    /** Writes the weights as a HuggingFace {@code model.safetensors} in {@code dtype} (BF16 for shipping), atomically. */
    public void writeSafetensors(Path file, DType dtype) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Parameter p : layout) w.add(p.name(), tensors.get(p.name()), dtype);
        w.write(file);
    }

    /** Clears every parameter gradient. */
    public void zeroGrad() {
        for (Tensor t : tensors.values()) t.zeroGrad();
    }
}
