package greater.transformer.tokenizer;

import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code {"type": "TemplateProcessing", "single": [...]}}: the single-sequence template, e.g.
 * {@code [{"SpecialToken": {"id": "<s>"}}, {"Sequence": {"id": "A"}}]}. Special tokens get the
 * empty offset span (0, 0). The pair template is not used: greater never encodes pairs.
 *
 * @param pieces for each template element, the ids of a special token, or null for the sequence
 */
record TemplateProcessing(List<int[]> pieces) implements PostProcessor {
    @Override
    public Encoding process(Encoding encoding, boolean addSpecialTokens, IntFunction<String> tokenText) {
        if (!addSpecialTokens) {
            return encoding;
        }
        Encoding.Builder b = new Encoding.Builder(encoding.size() + 4);
        for (int[] ids : pieces) {
            if (ids == null) {
                b.addAll(encoding);
            } else {
                for (int id : ids) {
                    b.add(id, 0, 0);
                }
            }
        }
        return b.build();
    }
}
