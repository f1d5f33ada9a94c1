package greater.transformer.tokenizer;

/** {@code {"type": "Strip", "strip_left": true, "strip_right": true}}: trims Unicode whitespace. */
record StripNormalizer(boolean left, boolean right) implements Normalizer {
    @Override
    public NormalizedText normalize(NormalizedText text) {
        return text.strip(left, right);
    }
}
