package greater.transformer.infer;

/**
 * One piece of a sequence's work in {@link Generator#generate(java.util.List)}: feed {@code input}
 * after what the sequence's cache holds, keep the logits of input rows [logitsFrom, logitsTo)
 * (row j predicts the token after input[j]), then generate up to {@code options.maxNewTokens()}
 * tokens. With greedy options a {@code draft} (e.g. the reasoning the previous prompt produced)
 * is checked in the same forward pass: its longest prefix that greedy decoding would reproduce is
 * accepted without decoding, and decoding continues from the first disagreement (exact for
 * greedy, as in speculative decoding with the draft as the proposal).
 *
 * @throws IllegalArgumentException when the logits range is outside the input, or tokens are
 *         to be generated from an empty input (no row to predict from)
 */
public record Stage(int[] input, int logitsFrom, int logitsTo, GenerationOptions options, int[] draft) {
    public Stage {
        if (logitsFrom < 0 || logitsTo > input.length || logitsFrom > logitsTo) {
            throw new IllegalArgumentException("logits rows [" + logitsFrom + ", " + logitsTo + ") outside an input of " + input.length);
        }
        if (input.length == 0 && options.maxNewTokens() > 0) throw new IllegalArgumentException("generation needs at least one input token");
        input = input.clone();
        draft = draft == null || !options.isGreedy() ? new int[0] : draft.clone();
    }

    /** Feed {@code input} and generate, no logits kept, no draft. */
    public static Stage generate(int[] input, GenerationOptions options) {
        return new Stage(input, 0, 0, options, null);
    }

    /** Feed {@code input} only, keeping the logits of rows [logitsFrom, logitsTo). */
    public static Stage score(int[] input, int logitsFrom, int logitsTo) {
        return new Stage(input, logitsFrom, logitsTo, GenerationOptions.greedy(0, java.util.Set.of()), null);
    }
}
