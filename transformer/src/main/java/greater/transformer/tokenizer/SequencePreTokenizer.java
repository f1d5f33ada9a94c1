package greater.transformer.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** {@code {"type": "Sequence", "pretokenizers": [...]}}: each stage splits every piece of the previous one. */
record SequencePreTokenizer(List<PreTokenizer> stages) implements PreTokenizer {
    @Override
    public void split(NormalizedText piece, List<NormalizedText> out) {
        List<NormalizedText> current = new ArrayList<>(1);
        current.add(piece);
        for (PreTokenizer stage : stages) {
            List<NormalizedText> next = new ArrayList<>(current.size() * 2 + 4);
            for (NormalizedText p : current) {
                stage.split(p, next);
            }
            current = next;
        }
        out.addAll(current);
    }
}
