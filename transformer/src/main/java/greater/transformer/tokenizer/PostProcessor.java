package greater.transformer.tokenizer;

import java.util.function.IntFunction;

/**
 * A tokenizer.json {@code post_processor}: adds the special tokens the model expects around an
 * encoded text (BOS for Llama-2 and Gemma) when {@code add_special_tokens} is on, or adjusts
 * offsets (byte-level {@code trim_offsets}).
 */
interface PostProcessor {
    /**
     * @param tokenText the vocabulary string of an id (HF passes token strings to the
     *                  offset trimming)
     */
    Encoding process(Encoding encoding, boolean addSpecialTokens, IntFunction<String> tokenText);
}
