package greater.transformer.tokenizer;

/**
 * A half-open range {@code [start, end)} of token positions: where a piece of text landed.
 * Empty ({@code start == end}) when the text produced no token of its own.
 */
public record TokenSpan(int start, int end) {
    public TokenSpan {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad token span [" + start + ", " + end + ")");
        }
    }

    public boolean isEmpty() {
        return start == end;
    }
}
