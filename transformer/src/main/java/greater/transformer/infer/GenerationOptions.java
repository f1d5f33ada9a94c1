package greater.transformer.infer;

import java.util.Set;

/**
 * How to pick continuations: greedy when {@code temperature == 0} (the default, and what GReaTer
 * uses everywhere), else softmax(logits / temperature) restricted to the top-p nucleus, drawn
 * with a seeded generator. Generation stops after {@code maxNewTokens} or on any stop id
 * (eos ids, end-of-turn tokens); the stop token is included in the output. With
 * {@code stopStrings} it also stops before any of those texts, which is left out of the output.
 */
public record GenerationOptions(int maxNewTokens, float temperature, float topP, long seed, Set<Integer> stopIds, StopStrings stopStrings) {
    public GenerationOptions {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        stopIds = Set.copyOf(stopIds);
        if (stopStrings == null) stopStrings = StopStrings.NONE;
    }

    /** Options without stop texts. */
    public GenerationOptions(int maxNewTokens, float temperature, float topP, long seed, Set<Integer> stopIds) {
        this(maxNewTokens, temperature, topP, seed, stopIds, StopStrings.NONE);
    }

    /** A copy that also stops before {@code texts} (see {@link StopStrings}). */
    public GenerationOptions withStopStrings(StopStrings texts) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stopIds, texts);
    }

    public static GenerationOptions greedy(int maxNewTokens, Set<Integer> stopIds) {
        return new GenerationOptions(maxNewTokens, 0f, 1f, 0L, stopIds);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
