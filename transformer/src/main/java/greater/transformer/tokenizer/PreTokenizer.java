package greater.transformer.tokenizer;

import java.util.List;

/**
 * A tokenizer.json {@code pre_tokenizer}: cuts a normalized piece into the "words" the model
 * tokenizes independently, possibly rewriting them (byte-level mapping, {@code ▁} for spaces).
 * Implementations append only non-empty pieces, as HF's {@code PreTokenizedString::split}
 * drops empty ones.
 */
interface PreTokenizer {
    void split(NormalizedText piece, List<NormalizedText> out);

    /** Appends {@code piece[from, to)} unless it is empty. */
    static void addSlice(NormalizedText piece, int from, int to, List<NormalizedText> out) {
        if (to > from) {
            out.add(piece.slice(from, to));
        }
    }
}
