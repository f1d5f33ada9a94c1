package greater.optimizer.eval;

import java.util.List;

/** Accuracy of a prompt on a split, with every example's record. */
public record Evaluation(String prompt, double accuracy, int correct, int n, List<Record> records) {

    /** One test example: the model's reasoning, the answer text after the extractor, what was extracted, the gold answer. */
    public record Record(String question, String reasoning, String answerText, String extracted, String gold, boolean correct) {
    }
}
