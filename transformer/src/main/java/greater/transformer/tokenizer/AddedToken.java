package greater.transformer.tokenizer;

/**
 * One entry of tokenizer.json's {@code added_tokens}: text matched before the model runs.
 *
 * @param content    the literal text
 * @param special    special tokens are skipped by {@code decode(ids, true)} and become plain text
 *                   when special-token parsing is off
 * @param lstrip     a match also swallows the whitespace on its left
 * @param rstrip     ... and on its right
 * @param normalized matched against the normalized text (else against the raw input)
 * @param singleWord only matches when not inside a word
 */
public record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip,
                         boolean normalized, boolean singleWord) {
}
