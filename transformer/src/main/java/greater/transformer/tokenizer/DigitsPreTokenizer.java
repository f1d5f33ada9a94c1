package greater.transformer.tokenizer;

import java.util.List;

/**
 * {@code {"type": "Digits", "individual_digits": true}}: isolates numeric chars (Unicode Nd, Nl,
 * No, as Rust's {@code char::is_numeric}), each alone or as contiguous runs.
 */
record DigitsPreTokenizer(boolean individualDigits) implements PreTokenizer {
    @Override
    public void split(NormalizedText piece, List<NormalizedText> out) {
        String text = piece.text();
        IntList matches = new IntList(16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                    || type == Character.OTHER_NUMBER) {
                matches.add(i);
                matches.add(i + n);
            }
            i += n;
        }
        SplitBehavior behavior = individualDigits ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS;
        int[] pieces = behavior.pieces(text.length(), matches.toArray(), false);
        for (int k = 0; k < pieces.length; k += 2) {
            PreTokenizer.addSlice(piece, pieces[k], pieces[k + 1], out);
        }
    }
}
