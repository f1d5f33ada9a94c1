package greater.transformer.tokenizer;

import java.util.List;

/**
 * {@code {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}}: optionally puts a
 * space before each piece that does not start with one, optionally splits it with the GPT-2
 * word regex, then spells every piece in {@link ByteLevel} chars (each UTF-8 byte one char, all
 * aligned to the source code point). {@code trim_offsets} only matters to the post-processor.
 */
record ByteLevelPreTokenizer(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
    /** HF's byte_level.rs RE. */
    static final TextPattern GPT2_WORDS = TextPattern.regex(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    @Override
    public void split(NormalizedText piece, List<NormalizedText> out) {
        NormalizedText p = piece;
        if (addPrefixSpace && !p.text().startsWith(" ")) {
            p = p.prepend(" ");
        }
        if (!useRegex) {
            if (!p.isEmpty()) {
                out.add(toBytes(p));
            }
            return;
        }
        String text = p.text();
        int[] pieces = SplitBehavior.ISOLATED.pieces(text.length(), GPT2_WORDS.matches(text), false);
        for (int k = 0; k < pieces.length; k += 2) {
            if (pieces[k + 1] > pieces[k]) {
                out.add(toBytes(p.slice(pieces[k], pieces[k + 1])));
            }
        }
    }

    static NormalizedText toBytes(NormalizedText p) {
        String text = p.text();
        char[] ascii = new char[text.length()];
        for (int i = 0; i < ascii.length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return p.mapCodePoints(ByteLevel::encodeCodePoint);
            }
            ascii[i] = ByteLevel.charOf(c);
        }
        return p.withChars(ascii);
    }
}
