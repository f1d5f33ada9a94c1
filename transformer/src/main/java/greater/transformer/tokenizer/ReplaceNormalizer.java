package greater.transformer.tokenizer;

/** {@code {"type": "Replace", "pattern": {...}, "content": "▁"}}: replaces every match. */
record ReplaceNormalizer(TextPattern pattern, String content) implements Normalizer {
    @Override
    public NormalizedText normalize(NormalizedText text) {
        return text.replace(pattern, content);
    }
}
