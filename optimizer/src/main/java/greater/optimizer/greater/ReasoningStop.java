package greater.optimizer.greater;

import greater.tensor.SettingException;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.StopStrings;

import java.util.List;
import java.util.Locale;

/**
 * Where greedy reasoning r = f(x ⊕ p) ends (docs/ALGORITHM.md §2.1, §6). The same rule applies
 * wherever reasoning is produced: the reasoning phase, re-scoring, the evaluation, draft
 * verification; the gradient and a resumed run read the reasoning it produced.
 * <ul>
 *   <li>{@link #END_OF_TURN}: the official code's rule: generate until the end-of-turn or eos
 *       token, or the token limit (attack_manager.py:870-876 at 42a22d9), then append
 *       {@code " " + extractor + answer}. A model that already ends its reasoning with its own
 *       "Therefore, the final answer is $X$" is asked a second time after it, and the answer
 *       scored (and trained on) is the one it writes after its own.</li>
 *   <li>{@link #EXTRACTOR}: also stop before the model writes the extractor's stem itself
 *       ({@link #stem}: "Therefore, the final answer" for the BBH and number presets), so the
 *       appended extractor continues the reasoning where the model was about to write it, and the
 *       answer scored is the model's own first answer. Reasoning is cut at the last token
 *       boundary before the stem, trailing whitespace tokens dropped ({@link StopStrings}), so the
 *       layout's single space before the extractor stands where the model's own space stood.</li>
 * </ul>
 */
public enum ReasoningStop {
    END_OF_TURN, EXTRACTOR;

    /** The name users type ({@code --reasoning-stop extractor}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The rule called {@code label} (case-insensitive); throws a {@link SettingException} ({@code reasoningStop}) naming the choices. */
    public static ReasoningStop parse(String label) {
        for (ReasoningStop s : values()) if (s.label().equalsIgnoreCase(label)) return s;
        throw new SettingException("reasoningStop", "must be end-of-turn or extractor, got '" + label + "'");
    }

    /**
     * The text of {@code extractor} a model writes itself before its answer: the extractor up to
     * its first "(" or "$" (the format instructions and the answer's opening), trailing spaces
     * dropped; "Therefore, the final answer (use exact format: ...) is $" gives "Therefore, the
     * final answer", "Therefore, the final answer is $" gives "Therefore, the final answer is".
     * Empty when the extractor starts with one of them.
     */
    public static String stem(String extractor) {
        int end = extractor.length();
        for (char c : new char[]{'(', '$'}) {
            int i = extractor.indexOf(c);
            if (i >= 0) end = Math.min(end, i);
        }
        return extractor.substring(0, end).strip();
    }

    /** Greedy reasoning options: at most {@code maxTokens}, stopping at {@code format}'s stop ids and, for EXTRACTOR, before the stem. */
    public GenerationOptions options(int maxTokens, PromptFormat format, String extractor) {
        GenerationOptions greedy = GenerationOptions.greedy(maxTokens, format.stopIds());
        String stem = stem(extractor);
        if (this == END_OF_TURN || stem.isEmpty()) return greedy;
        return greedy.withStopStrings(new StopStrings(List.of(stem), format::decode));
    }
}
