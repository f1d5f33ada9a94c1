package greater.cli.commands;

import greater.transformer.LanguageModel;
import greater.transformer.config.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code greater inspect --model DIR}: architecture, shapes, parameter count, dtype and bytes. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Describe a HuggingFace model folder: architecture, shapes, parameters, dtype.")
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Override
    public Integer call() {
        try (LanguageModel lm = model.load()) {
            ModelConfig c = lm.config();
            System.out.println("architecture:   " + c.architecture().hfClass + " (model_type " + c.architecture().modelType + ")");
            System.out.println("layers:         " + c.layers());
            System.out.println("hidden:         " + c.hiddenSize() + ", intermediate " + c.intermediateSize());
            System.out.println("attention:      " + c.heads() + " heads x " + c.headDim() + ", " + c.kvHeads() + " kv heads"
                    + (c.qkvBias() ? ", q/k/v bias" : ""));
            System.out.println("vocabulary:     " + c.vocabSize() + (c.tieWordEmbeddings() ? " (tied embeddings)" : ""));
            System.out.println("rope:           " + c.rope().type() + ", theta " + c.rope().theta());
            if (Arrays.stream(c.slidingWindow()).anyMatch(w -> w > 0)) System.out.println("sliding window: " + Arrays.toString(c.slidingWindow()));
            if (c.attentionSoftcap() > 0 || c.finalSoftcap() > 0) {
                System.out.println("soft-capping:   attention " + c.attentionSoftcap() + ", final " + c.finalSoftcap());
            }
            System.out.printf("parameters:     %,d%n", lm.parameterCount());
            System.out.println("weight dtype:   " + lm.weightDtype() + " (config: " + c.dtype() + ")");
            System.out.printf("weight bytes:   %,d%n", lm.weightBytes());
            System.out.println("stop ids:       " + lm.stopIds());
        }
        return 0;
    }
}
