package greater.transformer.tokenizer;

import java.util.List;

/** {@code {"type": "Sequence", "normalizers": [...]}}: each normalizer in turn. */
record SequenceNormalizer(List<Normalizer> normalizers) implements Normalizer {
    @Override
    public NormalizedText normalize(NormalizedText text) {
        for (Normalizer n : normalizers) {
            text = n.normalize(text);
        }
        return text;
    }
}
