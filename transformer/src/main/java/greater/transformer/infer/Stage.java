package greater.transformer.infer;

import greater.transformer.grad.ContinuationLoss;

import java.util.List;

/**
 * One piece of a sequence's work in {@link Generator#generate(java.util.List)}: feed {@code input}
 * after what the sequence's cache holds, keep the logits of input rows [logitsFrom, logitsTo)
 * (row j predicts the token after input[j]), score the token {@code spans} (rows relative to the
 * input; only their values are kept, so scoring long spans of many sequences holds no V-wide
 * rows), then generate up to {@code options.maxNewTokens()} tokens. With greedy options a {@code draft} (e.g. the reasoning the previous prompt produced)
 * is checked in windows fed with the input and then with the decoded tokens (16 draft tokens,
 * then twice as many after each fully accepted window): its longest prefix that greedy decoding
 * would reproduce is accepted without decoding one token per pass, and decoding continues from
 * the first disagreement (exact for greedy, as in speculative decoding with the draft as the
 * proposal). {@link StageResult#drafted()} counts the draft tokens fed, {@code accepted()} those
 * confirmed.
 *
 * @throws IllegalArgumentException when the logits range is outside the input, or tokens are
 *         to be generated from an empty input (no row to predict from)
 */
public record Stage(int[] input, int logitsFrom, int logitsTo, List<ContinuationLoss.Span> spans,
                    GenerationOptions options, int[] draft) {
    public Stage {
        for (ContinuationLoss.Span span : spans) {
            if (span.firstRow() < 0 || span.firstRow() + span.targets().length > input.length) {
                throw new IllegalArgumentException("span rows [" + span.firstRow() + ", " + (span.firstRow() + span.targets().length)
                        + ") outside an input of " + input.length);
            }
        }
        spans = List.copyOf(spans);
        if (logitsFrom < 0 || logitsTo > input.length || logitsFrom > logitsTo) {
            throw new IllegalArgumentException("logits rows [" + logitsFrom + ", " + logitsTo + ") outside an input of " + input.length);
        }
        if (input.length == 0 && options.maxNewTokens() > 0) throw new IllegalArgumentException("generation needs at least one input token");
        input = input.clone();
        draft = draft == null || !options.isGreedy() ? new int[0] : draft.clone();
    }

    /** Feed {@code input} and generate, no logits kept, no draft. */
    public static Stage generate(int[] input, GenerationOptions options) {
        return new Stage(input, 0, 0, List.of(), options, null);
    }

    /** Feed {@code input} only, keeping the logits of rows [logitsFrom, logitsTo). */
    public static Stage score(int[] input, int logitsFrom, int logitsTo) {
        return new Stage(input, logitsFrom, logitsTo, List.of(), GenerationOptions.greedy(0, java.util.Set.of()), null);
    }

    /** Feed {@code input} only, scoring {@code spans}. */
    public static Stage score(int[] input, List<ContinuationLoss.Span> spans) {
        return new Stage(input, 0, 0, spans, GenerationOptions.greedy(0, java.util.Set.of()), null);
    }

    /** Rows of the input whose logits this stage reads before generating: the kept range, then every span's rows. */
    int[] scoredRows() {
        int n = logitsTo - logitsFrom;
        for (ContinuationLoss.Span span : spans) n += span.targets().length;
        int[] rows = new int[n];
        int at = 0;
        for (int r = logitsFrom; r < logitsTo; r++) rows[at++] = r;
        for (ContinuationLoss.Span span : spans) for (int j = 0; j < span.targets().length; j++) rows[at++] = span.firstRow() + j;
        return rows;
    }
}
