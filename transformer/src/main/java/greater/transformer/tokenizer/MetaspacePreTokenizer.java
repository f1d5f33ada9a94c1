package greater.transformer.tokenizer;

import java.util.List;

/**
 * {@code {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}}:
 * SentencePiece's whitespace handling. Spaces become the replacement char; a replacement is
 * prepended to every piece ({@code always}), to the piece that starts the input ({@code first}),
 * or never; with {@code split} the piece is cut before each replacement char.
 */
record MetaspacePreTokenizer(String replacement, PrependScheme scheme, boolean split) implements PreTokenizer {

    enum PrependScheme { ALWAYS, FIRST, NEVER }

    @Override
    public void split(NormalizedText piece, List<NormalizedText> out) {
        NormalizedText p = piece.replace(TextPattern.literal(" "), replacement);
        boolean prepend = switch (scheme) {
            case ALWAYS -> !p.text().startsWith(replacement);
            case FIRST -> !p.text().startsWith(replacement) && p.originalStart() == 0;
            case NEVER -> false;
        };
        if (prepend) {
            p = p.prepend(replacement);
        }
        if (!split) {
            if (!p.isEmpty()) {
                out.add(p);
            }
            return;
        }
        String text = p.text();
        int[] pieces = SplitBehavior.MERGED_WITH_NEXT.pieces(text.length(),
                TextPattern.literal(replacement).matches(text), false);
        for (int k = 0; k < pieces.length; k += 2) {
            PreTokenizer.addSlice(p, pieces[k], pieces[k + 1], out);
        }
    }
}
