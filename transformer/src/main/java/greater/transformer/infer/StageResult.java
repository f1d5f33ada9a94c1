package greater.transformer.infer;

import greater.tensor.Tensor;
import greater.transformer.grad.ContinuationLoss;

import java.util.List;

/**
 * What a {@link Stage} produced: its index in the sequence's chain, the generated tokens (ending
 * with the stop id when one was produced; the last token is not yet in the cache, so a following
 * stage feeds it first unless it is dropped), the kept logits [logitsTo − logitsFrom, V] (null
 * when none), the value of each of its spans, and how many of the {@code drafted} draft tokens
 * were accepted.
 */
public record StageResult(int index, int[] tokens, Tensor logits, List<ContinuationLoss.SpanValue> spans, int accepted, int drafted) {

    /** The tokens without a trailing stop id. */
    public int[] tokensWithoutStop(java.util.Set<Integer> stopIds) {
        int n = tokens.length;
        while (n > 0 && stopIds.contains(tokens[n - 1])) n--;
        return java.util.Arrays.copyOf(tokens, n);
    }

    /**
     * The tokens a following stage must feed before its own input so that the cache then holds
     * the generated text without its stop id: the last token unless it is a stop id.
     */
    public int[] unfed(java.util.Set<Integer> stopIds) {
        if (tokens.length == 0 || stopIds.contains(tokens[tokens.length - 1])) return new int[0];
        return new int[]{tokens[tokens.length - 1]};
    }
}
