package greater.optimizer.greater;

import greater.optimizer.task.Example;

/**
 * The token layout of one training sample around the prompt (docs/ALGORITHM.md §1, "The sequence, token by token"):
 * <pre>
 *   prefix                      prompt     suffix                       reasoning   target
 *   [chat header] question ". Use"  p_1..p_L   [end of turn][assistant header]  r_1..r_R    " " extractor answer
 * </pre>
 * The prefix never depends on the prompt, so its KV cache is computed once per sample and shared
 * by every candidate. {@code target[answerFrom..]} are the answer tokens (the "focused target").
 */
public record SampleLayout(Example example, int[] prefix, int[] suffix, int[] target, int answerFrom) {
    public SampleLayout {
        if (prefix.length == 0) throw new IllegalArgumentException("empty prefix");
        if (answerFrom < 1 || answerFrom >= target.length) {
            throw new IllegalArgumentException("answer tokens [" + answerFrom + ", " + target.length + ") are not inside the target");
        }
    }
}
