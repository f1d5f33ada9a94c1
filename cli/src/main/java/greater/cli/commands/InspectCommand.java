package greater.cli.commands;

import greater.transformer.LanguageModel;
import greater.transformer.config.ModelConfig;
import greater.transformer.config.RopeScaling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code greater inspect --model DIR}: the family, shapes, the switches in effect (norm placement,
 * q/k norm, biases, RoPE per layer type, sliding windows, multipliers, soft-caps), parameter count,
 * dtype and bytes, as resolved by {@link ModelConfig}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Describe a HuggingFace model folder: family, switches in effect, shapes, parameters, dtype.")
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Override
    public Integer call() {
        try (LanguageModel lm = model.load()) {
            ModelConfig c = lm.config();
            System.out.println("family:         " + c.architecture().hfClass + " (model_type " + c.architecture().modelType + ")"
                    + (c.multimodal() ? "; language model of a Gemma3ForConditionalGeneration checkpoint (vision tower not loaded)" : ""));
            System.out.println("layers:         " + c.layers());
            System.out.println("hidden:         " + c.hiddenSize() + ", intermediate " + c.intermediateSize()
                    + (c.gatedGelu() ? ", gated tanh-GELU" : ", gated SiLU"));
            System.out.println("attention:      " + c.heads() + " heads x " + c.headDim() + ", " + c.kvHeads() + " kv heads"
                    + ", scale " + c.attentionScale());
            System.out.println("vocabulary:     " + c.vocabSize() + (c.tieWordEmbeddings() ? " (tied embeddings)" : ""));
            for (String line : switches(c)) System.out.println(line);
            long loaded = lm.transformer().weights().parameterCount();
            System.out.printf("parameters:     %,d%s%n", loaded,
                    loaded == lm.parameterCount() ? "" : String.format(" in the language model (the checkpoint holds %,d)", lm.parameterCount()));
            System.out.println("weight dtype:   " + lm.weightDtype() + " (config: " + c.dtype() + ")");
            System.out.printf("weight bytes:   %,d%n", lm.weightBytes());
            System.out.println("stop ids:       " + lm.stopIds());
        }
        return 0;
    }

    /** The named switches of the one decoder, one line each, as this config sets them. */
    static List<String> switches(ModelConfig c) {
        List<String> out = new ArrayList<>();
        String norms = switch (c.normPlacement()) {
            case PRE -> "before attention and MLP";
            case SANDWICH -> "before and after attention and MLP";
            case POST -> "after attention and MLP only";
        };
        out.add("norms:          RMSNorm " + norms + (c.normAddsOne() ? ", weight as (1 + w)" : "") + ", eps " + c.rmsNormEps());
        out.add("q/k norm:       " + switch (c.qkNorm()) {
            case NONE -> "none";
            case PER_HEAD -> "RMSNorm per head before RoPE";
            case WHOLE -> "RMSNorm over the whole projection before RoPE";
        });
        List<String> biases = new ArrayList<>();
        if (c.qkvBias()) biases.add("q/k/v");
        if (c.outputBias()) biases.add("o_proj");
        if (c.mlpBias()) biases.add("MLP");
        out.add("biases:         " + (biases.isEmpty() ? "none" : String.join(", ", biases)));
        if (c.fusedProjections()) out.add("projections:    fused qkv_proj and gate_up_proj");
        out.add("rope:           " + ropeByLayerType(c));
        if (Arrays.stream(c.slidingWindow()).anyMatch(w -> w > 0)) out.add("sliding window: " + windows(c.slidingWindow()));
        if (c.embeddingScale() != 1f) out.add("embedding scale: " + c.embeddingScale());
        if (c.residualMultiplier() != 1f || c.logitsScaling() != 1f) {
            out.add("multipliers:    residual " + c.residualMultiplier() + ", logits / " + c.logitsScaling());
        }
        if (c.attentionSoftcap() > 0 || c.finalSoftcap() > 0) {
            out.add("soft-capping:   attention " + (c.attentionSoftcap() > 0 ? c.attentionSoftcap() : "off")
                    + ", final " + (c.finalSoftcap() > 0 ? c.finalSoftcap() : "off"));
        }
        return out;
    }

    /** Distinct RoPEs with the layers using each, e.g. "layers 0-4,6-10: default, theta 10000.0; layers 5,11: linear ...". */
    private static String ropeByLayerType(ModelConfig c) {
        Map<RopeScaling, List<Integer>> users = new LinkedHashMap<>();
        List<Integer> none = new ArrayList<>();
        RopeScaling[] ropes = c.layerRope();
        for (int l = 0; l < ropes.length; l++) {
            if (ropes[l] == null) none.add(l);
            else users.computeIfAbsent(ropes[l], r -> new ArrayList<>()).add(l);
        }
        String partial = c.rotaryDim() < c.headDim() ? " (first " + c.rotaryDim() + " of " + c.headDim() + " features)" : "";
        List<String> parts = new ArrayList<>();
        for (var e : users.entrySet()) {
            String which = users.size() == 1 && none.isEmpty() ? "" : ranges(e.getValue()) + ": ";
            parts.add(which + e.getKey().describe() + partial);
        }
        if (!none.isEmpty()) parts.add(ranges(none) + ": none");
        return String.join("; ", parts);
    }

    private static String windows(int[] window) {
        Map<Integer, List<Integer>> byWindow = new LinkedHashMap<>();
        for (int l = 0; l < window.length; l++) byWindow.computeIfAbsent(window[l], w -> new ArrayList<>()).add(l);
        if (byWindow.size() == 1) return window[0] + " tokens, every layer";
        List<String> parts = new ArrayList<>();
        for (var e : byWindow.entrySet()) parts.add(ranges(e.getValue()) + ": " + (e.getKey() == 0 ? "full" : e.getKey() + " tokens"));
        return String.join("; ", parts);
    }

    /** [0,1,2,4] -> "layers 0-2,4"; [3] -> "layer 3". */
    private static String ranges(List<Integer> layers) {
        StringBuilder sb = new StringBuilder(layers.size() == 1 ? "layer " : "layers ");
        for (int i = 0; i < layers.size(); i++) {
            int start = layers.get(i), end = start;
            while (i + 1 < layers.size() && layers.get(i + 1) == end + 1) end = layers.get(++i);
            if (!sb.toString().endsWith(" ")) sb.append(',');
            sb.append(start == end ? String.valueOf(start) : start + "-" + end);
        }
        return sb.toString();
    }
}
