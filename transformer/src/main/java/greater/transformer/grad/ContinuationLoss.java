package greater.transformer.grad;

import greater.tensor.Tensor;
import greater.tensor.ops.Add;
import greater.tensor.ops.CrossEntropyLoss;
import greater.tensor.ops.Rows;
import greater.tensor.ops.Scale;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * The loss of a continuation in terms of token spans: each {@link Span} says which tokens the
 * logits of which rows should predict, at what softmax temperature, with what weight; the total
 * is Σ weight · mean_j CE(logits_row(j) / temperature, target_j). GReaTer's loss (Das et al.
 * 2025; docs/ALGORITHM.md (1), official greater_opt.py:99-107) is two spans: the answer at
 * temperature τ, and the prompt's own tokens (fluency) weighted by λ. Inside a {@link
 * greater.tensor.autograd.Tape} the total is differentiable; outside it is plain inference.
 * Letters: T = rows of one sequence, H = hidden, V = vocabulary, n = tokens of a span.
 */
public final class ContinuationLoss {
    private ContinuationLoss() {
    }

    /**
     * Tokens {@code targets[j]} predicted by row {@code firstRow + j}.
     *
     * @throws IllegalArgumentException when temperature is not positive
     */
    public record Span(int firstRow, int[] targets, float temperature, float weight) {
        public Span {
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
            targets = targets.clone();
        }
    }

    /** A span's mean negative log-likelihood (at its temperature) and whether every row's argmax is its target. */
    public record SpanValue(float meanNll, boolean argmaxHitsAll) {
    }

    /** The weighted total [1] (differentiable when the hidden states are) and every span's value. */
    public record Result(Tensor total, List<SpanValue> spans) {
    }

    /**
     * The loss of spans over one sequence's final hidden states [T, H]: the LM head runs only on
     * the spans' rows. Empty spans add nothing.
     *
     * @throws IllegalArgumentException when a span's rows fall outside [0, T) or no span has a token
     */
    public static Result of(Transformer model, Tensor hidden, List<Span> spans) {
        Tensor total = null;
        List<SpanValue> values = new ArrayList<>();
        for (Span span : spans) {
            int n = span.targets().length;
            if (n == 0) {
                values.add(new SpanValue(0f, true));
                continue;
            }
            Tensor logits = model.head(Rows.slice(hidden, span.firstRow(), span.firstRow() + n)); // [n, V]
            Tensor nll = meanNll(logits, span);
            values.add(new SpanValue(nll.getFloat(0), argmaxHitsAll(logits.data(), span.targets())));
            Tensor weighted = span.weight() == 1f ? nll : Scale.apply(nll, span.weight());
            total = total == null ? weighted : Add.apply(total, weighted);
        }
        if (total == null) throw new IllegalArgumentException("no span has a token to score");
        return new Result(total, values);
    }

    /**
     * The value of a span from logits already computed [n, V] (e.g. kept from a prefill), row j
     * predicting {@code span.targets()[j]}; {@code span.firstRow()} is ignored.
     */
    public static SpanValue value(Tensor logits, Span span) {
        if (logits.shape().rows() != span.targets().length) {
            throw new IllegalArgumentException(logits.shape() + " logits for " + span.targets().length + " targets");
        }
        if (span.targets().length == 0) return new SpanValue(0f, true);
        return new SpanValue(meanNll(logits, span).getFloat(0), argmaxHitsAll(logits.data(), span.targets()));
    }

    private static Tensor meanNll(Tensor logits, Span span) {
        Tensor scaled = span.temperature() == 1f ? logits : Scale.apply(logits, 1f / span.temperature());
        return CrossEntropyLoss.apply(scaled, span.targets());
    }

    /** True when the first index of each row's maximum is that row's target (torch.argmax). */
    private static boolean argmaxHitsAll(float[] logits, int[] targets) {
        int vocab = logits.length / targets.length;
        for (int r = 0; r < targets.length; r++) {
            int best = 0, o = r * vocab;
            for (int i = 1; i < vocab; i++) if (logits[o + i] > logits[o + best]) best = i;
            if (best != targets[r]) return false;
        }
        return true;
    }
}
