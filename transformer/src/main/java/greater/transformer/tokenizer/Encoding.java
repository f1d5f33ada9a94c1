package greater.transformer.tokenizer;

import java.util.Arrays;

/**
 * The result of encoding one text: token ids and, for every token, the span of the input it
 * came from.
 *
 * <p>Offsets are UTF-16 indices into the encoded {@code String} ({@code String.substring(start,
 * end)} gives the token's source text), i.e. HF's character offsets with a surrogate pair counted
 * as two. Tokens the post-processor adds (a BOS) have the empty span {@code (0, 0)}. Several
 * tokens can share a span: the byte tokens of one character, or a multi-byte character split
 * between byte-level tokens, all carry the whole character's span, as in HF.
 */
public final class Encoding {
    private final int[] ids;
    private final int[] starts;
    private final int[] ends;

    Encoding(int[] ids, int[] starts, int[] ends) {
        this.ids = ids;
        this.starts = starts;
        this.ends = ends;
    }

    /** The token ids (a copy). */
    public int[] ids() {
        return ids.clone();
    }

    public int size() {
        return ids.length;
    }

    public int id(int token) {
        return ids[token];
    }

    /** Start (inclusive, UTF-16 index) of the text token {@code token} came from. */
    public int start(int token) {
        return starts[token];
    }

    /** End (exclusive, UTF-16 index) of the text token {@code token} came from. */
    public int end(int token) {
        return ends[token];
    }

    /**
     * The tokens produced by text {@code [charStart, charEnd)}: from the first token whose span
     * overlaps it to the last one. A token overlapping the range only partly (a word-piece that
     * starts before it, say) is included. Tokens with an empty span (added by the post-processor)
     * never count. When nothing overlaps, the empty span at the first token that starts at or
     * after {@code charEnd}.
     */
    public TokenSpan tokensCovering(int charStart, int charEnd) {
        if (charEnd < charStart) {
            throw new IllegalArgumentException("bad char range [" + charStart + ", " + charEnd + ")");
        }
        int first = -1;
        int last = -1;
        for (int t = 0; t < ids.length; t++) {
            if (starts[t] == ends[t]) {
                continue;
            }
            boolean overlaps = charStart == charEnd
                    ? false
                    : starts[t] < charEnd && ends[t] > charStart;
            if (overlaps) {
                if (first < 0) {
                    first = t;
                }
                last = t;
            }
        }
        if (first >= 0) {
            return new TokenSpan(first, last + 1);
        }
        int at = ids.length;
        for (int t = 0; t < ids.length; t++) {
            if (starts[t] != ends[t] && starts[t] >= charEnd) {
                at = t;
                break;
            }
        }
        return new TokenSpan(at, at);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(ids);
    }

    /** Appends tokens; the encoder's and post-processors' way to build an Encoding. */
    static final class Builder {
        private final IntList ids;
        private final IntList starts;
        private final IntList ends;

        Builder(int capacity) {
            ids = new IntList(capacity);
            starts = new IntList(capacity);
            ends = new IntList(capacity);
        }

        void add(int id, int start, int end) {
            ids.add(id);
            starts.add(start);
            ends.add(end);
        }

        void addAll(Encoding e) {
            ids.addRange(e.ids, 0, e.ids.length);
            starts.addRange(e.starts, 0, e.starts.length);
            ends.addRange(e.ends, 0, e.ends.length);
        }

        Encoding build() {
            return new Encoding(ids.toArray(), starts.toArray(), ends.toArray());
        }
    }
}
