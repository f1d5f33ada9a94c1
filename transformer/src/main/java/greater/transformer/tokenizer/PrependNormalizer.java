package greater.transformer.tokenizer;

/**
 * {@code {"type": "Prepend", "prepend": "▁"}}: puts the string in front of every non-empty piece
 * (SentencePiece's dummy prefix, Llama-2). Because HF normalizes each piece between added tokens
 * separately, text right after a special token gets its own {@code ▁}.
 */
record PrependNormalizer(String prepend) implements Normalizer {
    @Override
    public NormalizedText normalize(NormalizedText text) {
        return text.prepend(prepend);
    }
}
