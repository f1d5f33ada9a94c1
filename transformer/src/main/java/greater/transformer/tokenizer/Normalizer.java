package greater.transformer.tokenizer;

/**
 * A tokenizer.json {@code normalizer}: rewrites a piece of input text (keeping offsets) before
 * pre-tokenization. HF applies it to each piece of the input that is not an added token.
 */
interface Normalizer {
    NormalizedText normalize(NormalizedText text);
}
