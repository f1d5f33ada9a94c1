/**
 * HuggingFace {@code tokenizer.json} tokenizers with exact parity: the ids HF's
 * {@code tokenizers} library produces for the same file and text, and the source span of every
 * token.
 *
 * <p>Entry point: {@link greater.transformer.tokenizer.Tokenizer#load}. {@code encode(text)}
 * gives {@code tokenizer(text)["input_ids"]}; {@code encode(text, addSpecialTokens,
 * parseSpecialTokens)} returns an {@link greater.transformer.tokenizer.Encoding} with UTF-16
 * offsets, and {@link greater.transformer.tokenizer.Encoding#tokensCovering} maps a span of text
 * to the token positions it produced.
 *
 * <p>Pipeline, one class per HF component (each file says which JSON it reads):
 * <pre>
 *  text ──AddedVocabulary (raw: special-token literals)──┐
 *        pieces ──Normalizer──AddedVocabulary (normalized)──PreTokenizer──words
 *        words ──Bpe (MergeTable, cache)──ids + offsets (NormalizedText alignments)
 *        ids ──PostProcessor (BOS/EOS, offset trimming)──Encoding
 *  ids ──vocabulary strings──Decoder chain──text
 * </pre>
 * Supported: model BPE (byte-level and SentencePiece-style with byte fallback, merges as
 * {@code "a b"} or {@code ["a","b"]}, {@code ignore_merges}); normalizers Sequence, Prepend,
 * Replace, NFC/NFD/NFKC/NFKD, Lowercase, Strip; pre-tokenizers Sequence, Split (Oniguruma regexes
 * translated to java.util.regex), ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit;
 * post-processors TemplateProcessing, ByteLevel, Sequence; decoders Sequence, ByteLevel, Replace,
 * ByteFallback, Fuse, Strip, Metaspace. Anything else is a
 * {@link greater.transformer.tokenizer.TokenizerException} naming the type.
 */
package greater.transformer.tokenizer;
