package greater.transformer.tokenizer;

import java.util.Arrays;

/**
 * A piece of text being normalized and pre-tokenized, with the offsets in the caller's original
 * string of every one of its chars: the Java counterpart of HuggingFace tokenizers'
 * {@code NormalizedString}.
 *
 * <p>Offsets are UTF-16 indices into the original {@code String} passed to
 * {@link Tokenizer#encode(String, boolean, boolean)}. {@code starts[i]}/{@code ends[i]} give the
 * original span that produced char {@code i}; both halves of a surrogate pair carry the whole
 * pair's span, so no token offset ever splits a code point. A token covering chars
 * {@code [a, b)} maps back to {@code [starts[a], ends[b-1])}, exactly as HF's
 * {@code convert_offsets} takes the first alignment's start and the last one's end.
 *
 * <p>The alignment rules for inserted and replaced chars copy HF's {@code transform_range}:
 * a prepended char takes the alignment of the char it precedes, a replacement takes the
 * alignment of the last char of the match it replaces. Instances are immutable.
 */
final class NormalizedText {
    private final String text;
    /** Alignments of char i are at index {@code base + i}: slices share their parent's arrays. */
    private final int[] starts;
    private final int[] ends;
    private final int base;

    NormalizedText(String text, int[] starts, int[] ends) {
        this(text, starts, ends, 0);
    }

    private NormalizedText(String text, int[] starts, int[] ends, int base) {
        this.text = text;
        this.starts = starts;
        this.ends = ends;
        this.base = base;
    }

    /** {@code original[from, to)} unchanged, aligned to itself code point by code point. */
    static NormalizedText of(String original, int from, int to) {
        int n = to - from;
        int[] s = new int[n];
        int[] e = new int[n];
        int i = from;
        while (i < to) {
            int len = Character.isHighSurrogate(original.charAt(i)) && i + 1 < to
                    && Character.isLowSurrogate(original.charAt(i + 1)) ? 2 : 1;
            for (int k = 0; k < len; k++) {
                s[i - from + k] = i;
                e[i - from + k] = i + len;
            }
            i += len;
        }
        return new NormalizedText(original.substring(from, to), s, e);
    }

    String text() {
        return text;
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    /** Original start of char {@code i}. */
    int start(int i) {
        return starts[base + i];
    }

    /** Original end of char {@code i}. */
    int end(int i) {
        return ends[base + i];
    }

    /** Where this piece begins in the original (HF's {@code offsets_original().0}). */
    int originalStart() {
        return text.isEmpty() ? 0 : starts[base];
    }

    NormalizedText slice(int from, int to) {
        if (from == 0 && to == text.length()) {
            return this;
        }
        return new NormalizedText(text.substring(from, to), starts, ends, base + from);
    }

    /** HF {@code NormalizedString::prepend}: new chars share the first char's alignment; no-op when empty. */
    NormalizedText prepend(String prefix) {
        if (text.isEmpty() || prefix.isEmpty()) {
            return this;
        }
        int p = prefix.length();
        int n = text.length();
        int[] s = new int[p + n];
        int[] e = new int[p + n];
        Arrays.fill(s, 0, p, starts[base]);
        Arrays.fill(e, 0, p, ends[base]);
        System.arraycopy(starts, base, s, p, n);
        System.arraycopy(ends, base, e, p, n);
        return new NormalizedText(prefix + text, s, e);
    }

    /**
     * HF {@code NormalizedString::replace}: every match of {@code pattern} becomes {@code content},
     * whose chars all take the alignment of the last char of the match.
     */
    NormalizedText replace(TextPattern pattern, String content) {
        int[] spans = pattern.matches(text);
        if (spans.length == 0) {
            return this;
        }
        StringBuilder sb = new StringBuilder(text.length() + 8);
        IntList s = new IntList(text.length() + 8);
        IntList e = new IntList(text.length() + 8);
        int last = 0;
        for (int k = 0; k < spans.length; k += 2) {
            int ms = spans[k];
            int me = spans[k + 1];
            sb.append(text, last, ms);
            s.addRange(starts, base + last, base + ms);
            e.addRange(ends, base + last, base + ms);
            int as;
            int ae;
            if (me > 0) {
                as = starts[base + me - 1];
                ae = ends[base + me - 1];
            } else {
                as = 0;
                ae = 0;
            }
            sb.append(content);
            for (int c = 0; c < content.length(); c++) {
                s.add(as);
                e.add(ae);
            }
            last = me;
        }
        sb.append(text, last, text.length());
        s.addRange(starts, base + last, base + text.length());
        e.addRange(ends, base + last, base + text.length());
        return new NormalizedText(sb.toString(), s.toArray(), e.toArray());
    }

    /**
     * Replaces each code point by {@code mapping.apply(cp)} (any length), every output char
     * aligned to the source code point, as HF does for byte-level mapping and lower-casing.
     */
    NormalizedText mapCodePoints(java.util.function.IntFunction<String> mapping) {
        StringBuilder sb = new StringBuilder(text.length() * 2);
        IntList s = new IntList(text.length() * 2);
        IntList e = new IntList(text.length() * 2);
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            String out = mapping.apply(cp);
            sb.append(out);
            for (int c = 0; c < out.length(); c++) {
                s.add(starts[base + i]);
                e.add(ends[base + i]);
            }
            i += Character.charCount(cp);
        }
        return new NormalizedText(sb.toString(), s.toArray(), e.toArray());
    }

    /**
     * The same text with every char replaced one-for-one; the alignment is shared, not copied.
     * The byte-level mapping of ASCII text takes this path.
     */
    NormalizedText withChars(char[] sameLength) {
        return new NormalizedText(new String(sameLength), starts, ends, base);
    }

    /**
     * Removes leading and/or trailing whitespace (Unicode White_Space, as Rust's
     * {@code char::is_whitespace}); HF {@code NormalizedString::lrstrip}.
     */
    NormalizedText strip(boolean left, boolean right) {
        int from = 0;
        int to = text.length();
        if (left) {
            while (from < to && UnicodeWhitespace.is(text.codePointAt(from))) {
                from += Character.charCount(text.codePointAt(from));
            }
        }
        if (right) {
            while (to > from && UnicodeWhitespace.is(text.codePointBefore(to))) {
                to -= Character.charCount(text.codePointBefore(to));
            }
        }
        return slice(from, to);
    }

    @Override
    public String toString() {
        return text;
    }
}
