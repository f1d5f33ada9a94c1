package greater.optimizer.greater;

import greater.optimizer.task.Example;

import java.util.Set;

/**
 * What the optimizer needs from a tokenizer and chat template. Everything past this interface
 * works on token ids only.
 */
public interface PromptFormat {

    /**
     * The layout of {@code example} with this extractor: prefix, suffix, target and where the answer starts.
     *
     * @throws greater.tensor.SettingException ({@code extractor}) when the answer cannot be located after the extractor in the tokens
     */
    SampleLayout layout(Example example, String extractor);

    /** The ids of a prompt as it sits after "... . Use" (a leading space, no special tokens). */
    int[] encodePrompt(String prompt);

    /** The prompt text of prompt ids (inverse of {@link #encodePrompt}, without the leading space). */
    String decodePrompt(int[] ids);

    /** Decoded text of generated ids (special tokens dropped). */
    String decode(int[] ids);

    /** Ids of {@code text} with no special tokens added (e.g. " " + extractor for evaluation). */
    int[] encode(String text);

    /**
     * True when a token may be proposed as a prompt candidate: decodes to ASCII letters and spaces
     * (or is exactly ",", "." or " "), and is not a special token (docs/ALGORITHM.md §2.2; attack_manager.py:86-114).
     */
    boolean isAllowedCandidate(int id);

    /** The filler token appended when the prompt grows: the tokenizer's token for "_" (greater_opt.py:233). */
    int fillerToken();

    /** Ids that end a generated turn. */
    Set<Integer> stopIds();

    /**
     * The text the model reads for {@code example} with {@code prompt}, up to where its reasoning
     * starts (chat template applied, generation prompt included), for pasting a found prompt into
     * another runtime. This default decodes the layout's ids, dropping special tokens; a format
     * with a chat template renders the template's exact text instead.
     */
    default String renderedText(Example example, String extractor, String prompt) {
        SampleLayout layout = layout(example, extractor);
        return decode(Sample.concat(Sample.concat(layout.prefix(), encodePrompt(prompt)), layout.suffix()));
    }
}
