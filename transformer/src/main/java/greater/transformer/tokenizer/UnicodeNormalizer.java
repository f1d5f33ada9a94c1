package greater.transformer.tokenizer;

import java.text.Normalizer.Form;

/**
 * {@code {"type": "NFC"}} (and NFD, NFKC, NFKD): Unicode normalization with offsets.
 *
 * <p>The text is cut into segments that normalize independently: a starter followed by the
 * combining marks (and Hangul vowel/final jamo) that may compose with it. Within a segment the
 * j-th output code point is aligned to the j-th input code point (the last one when the output is
 * longer). This reproduces HF's alignment for the cases that occur (composition: {@code e + ◌́ ->
 * é} aligned to {@code e}; decomposition and compatibility expansions: every output char aligned
 * to the source char). Should segment-wise normalization ever differ from normalizing the whole
 * text, the whole text is used as one segment, so the ids are right in every case.
 */
record UnicodeNormalizer(Form form) implements Normalizer {

    @Override
    public NormalizedText normalize(NormalizedText text) {
        String s = text.text();
        if (java.text.Normalizer.isNormalized(s, form)) {
            return text;
        }
        String whole = java.text.Normalizer.normalize(s, form);
        StringBuilder sb = new StringBuilder(whole.length());
        IntList starts = new IntList(whole.length());
        IntList ends = new IntList(whole.length());
        int i = 0;
        while (i < s.length()) {
            int j = i + Character.charCount(s.codePointAt(i));
            while (j < s.length() && !isBoundary(s.codePointAt(j))) {
                j += Character.charCount(s.codePointAt(j));
            }
            appendSegment(text, i, j, java.text.Normalizer.normalize(s.substring(i, j), form),
                    sb, starts, ends);
            i = j;
        }
        if (!sb.toString().equals(whole)) {
            sb.setLength(0);
            starts = new IntList(whole.length());
            ends = new IntList(whole.length());
            appendSegment(text, 0, s.length(), whole, sb, starts, ends);
        }
        return new NormalizedText(sb.toString(), starts.toArray(), ends.toArray());
    }

    private static void appendSegment(NormalizedText text, int from, int to, String normalized,
                                      StringBuilder sb, IntList starts, IntList ends) {
        String src = text.text();
        int[] srcIndex = src.substring(from, to).codePoints().toArray();
        // char index (in src) of the k-th code point of the segment
        int[] at = new int[srcIndex.length];
        for (int k = 0, p = from; k < at.length; k++) {
            at[k] = p;
            p += Character.charCount(srcIndex[k]);
        }
        int k = 0;
        for (int o = 0; o < normalized.length(); ) {
            int cp = normalized.codePointAt(o);
            int n = Character.charCount(cp);
            int source = at[Math.min(k, at.length - 1)];
            int alignStart = text.start(source);
            int alignEnd = text.end(source);
            sb.appendCodePoint(cp);
            for (int c = 0; c < n; c++) {
                starts.add(alignStart);
                ends.add(alignEnd);
            }
            o += n;
            k++;
        }
    }

    /** A code point that cannot combine with what precedes it starts a new segment. */
    private static boolean isBoundary(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK) {
            return false;
        }
        return !(cp >= 0x1160 && cp <= 0x11FF) && !(cp >= 0xD7B0 && cp <= 0xD7FF);
    }
}
