package greater.transformer.infer;

import greater.tensor.Tensor;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Autoregressive generation with a KV cache: prefill the prompt in one forward pass, then decode
 * one token per pass. {@link #continueFrom} starts from a cache that already holds a shared
 * prefix, so many continuations of one question pay for its prefix once.
 */
public final class Generator {
    private final Transformer model;

    public Generator(Transformer model) {
        this.model = model;
    }

    /** New token ids (at most {@code maxNewTokens}, ending with a stop id if one was produced). */
    public int[] generate(int[] prompt, GenerationOptions options) {
        KvCache cache = model.newCache(prompt.length + options.maxNewTokens());
        return continueFrom(cache, prompt, options);
    }

    /** Each prompt in turn; results in input order. */
    public List<int[]> generate(List<int[]> prompts, GenerationOptions options) {
        List<int[]> out = new ArrayList<>(prompts.size());
        for (int[] p : prompts) out.add(generate(p, options));
        return out;
    }

    /**
     * Appends {@code suffix} to what {@code cache} holds, then generates. The cache is left holding
     * everything processed; call {@code cache.truncate(prefixLength)} to reuse the prefix again.
     * Its capacity must cover suffix + maxNewTokens more positions.
     */
    public int[] continueFrom(KvCache cache, int[] suffix, GenerationOptions options) {
        if (suffix.length == 0) throw new IllegalArgumentException("continueFrom needs at least one token to produce the next-token logits");
        if (cache.length() + suffix.length + options.maxNewTokens() > cache.capacity() + 1) {
            throw new IllegalArgumentException("KV cache capacity " + cache.capacity() + " is too small for "
                    + cache.length() + " + " + suffix.length + " + " + options.maxNewTokens() + " positions");
        }
        if (options.maxNewTokens() == 0) return new int[0];
        Sampler sampler = new Sampler(options);
        int vocab = model.config().vocabSize();
        int[] out = new int[options.maxNewTokens()];
        int n = 0;
        Tensor logits = model.forward(model.embed(suffix), cache, false);
        while (true) {
            int next = sampler.next(logits.data(), 0, vocab);
            out[n++] = next;
            if (n == out.length || options.stopIds().contains(next)) break;
            logits = model.forward(model.embed(new int[]{next}), cache, false);
        }
        return Arrays.copyOf(out, n);
    }
}
