package greater.transformer.tokenizer;

import java.util.List;

/**
 * {@code {"type": "Split", "pattern": {...}, "behavior": "Isolated", "invert": false}}: the
 * pre-tokenizer that carries the GPT-2 / Llama-3 / Qwen word regexes. With {@code invert} the
 * pattern marks the pieces to keep rather than the delimiters.
 */
record SplitPreTokenizer(TextPattern pattern, SplitBehavior behavior, boolean invert) implements PreTokenizer {
    @Override
    public void split(NormalizedText piece, List<NormalizedText> out) {
        String text = piece.text();
        if (behavior == SplitBehavior.ISOLATED && !invert) {
            // The word regexes' case: every match and every gap is a piece. No intermediate arrays.
            int[] last = {0};
            pattern.forEachMatch(text, (start, end) -> {
                PreTokenizer.addSlice(piece, last[0], start, out);
                PreTokenizer.addSlice(piece, start, end, out);
                last[0] = end;
            });
            PreTokenizer.addSlice(piece, last[0], text.length(), out);
            return;
        }
        int[] pieces = behavior.pieces(text.length(), pattern.matches(text), invert);
        for (int k = 0; k < pieces.length; k += 2) {
            PreTokenizer.addSlice(piece, pieces[k], pieces[k + 1], out);
        }
    }
}
