package greater.optimizer.greater;

import greater.tensor.Tensor;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Generator;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.Arrays;

/**
 * One training sample at run time: its layout, the KV cache of its prefix (chat header and
 * question, computed once and shared by every prompt and candidate: the prefix reuse the official
 * code lists as a TODO), the next-token logits after the prefix, and its current reasoning.
 * The prefix cache is exactly prefix-sized; work happens in a large workspace cache shared by all
 * samples (they are processed one at a time), into which the prefix is copied.
 */
final class Sample {
    final SampleLayout layout;
    private final Transformer model;
    private final KvCache prefixCache;   // exactly the prefix
    private final KvCache workspace;     // shared by all samples
    private final boolean reuse;
    final float[] logitsAfterPrefix;   // [V]: predicts prompt token 0
    int[] reasoning = new int[0];

    Sample(Transformer model, SampleLayout layout, KvCache workspace, boolean reuse) {
        this.model = model;
        this.layout = layout;
        this.reuse = reuse;
        this.workspace = workspace;
        this.prefixCache = model.newCache(layout.prefix().length);
        this.logitsAfterPrefix = model.forward(model.embed(layout.prefix()), prefixCache, false).data();
    }

    /** The workspace holding exactly the prefix: copied when reused, recomputed when prefix reuse is off. */
    KvCache afterPrefix() {
        if (reuse) {
            workspace.copyFrom(prefixCache);
        } else {
            workspace.truncate(0);
            model.forward(model.embed(layout.prefix()), workspace, false);
        }
        return workspace;
    }

    /** Greedy reasoning for this sample under {@code prompt}, without the stop token. */
    int[] generateReasoning(int[] prompt, GenerationOptions options) {
        int[] input = concat(prompt, layout.suffix());
        int[] out = new Generator(model).continueFrom(afterPrefix(), input, options);
        int n = out.length;
        while (n > 0 && options.stopIds().contains(out[n - 1])) n--;
        return Arrays.copyOf(out, n);
    }

    /** Next-token logits [V] at prompt position {@code i}: after the prefix and prompt[0..i). */
    float[] logitsAtPromptPosition(int[] prompt, int i) {
        if (i == 0) return logitsAfterPrefix;
        Tensor logits = model.forward(model.embed(Arrays.copyOf(prompt, i)), afterPrefix(), false);
        return logits.data();
    }

    /** The tokens after the prefix: prompt, suffix, reasoning, target. */
    int[] continuation(int[] prompt, int[] reasoning) {
        return concat(concat(prompt, layout.suffix()), concat(reasoning, layout.target()));
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
