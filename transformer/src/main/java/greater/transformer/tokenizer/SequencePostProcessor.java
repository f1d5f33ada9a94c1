package greater.transformer.tokenizer;

import java.util.List;
import java.util.function.IntFunction;

/** {@code {"type": "Sequence", "processors": [...]}}: each post-processor in turn. */
record SequencePostProcessor(List<PostProcessor> processors) implements PostProcessor {
    @Override
    public Encoding process(Encoding encoding, boolean addSpecialTokens, IntFunction<String> tokenText) {
        for (PostProcessor p : processors) {
            encoding = p.process(encoding, addSpecialTokens, tokenText);
        }
        return encoding;
    }
}
