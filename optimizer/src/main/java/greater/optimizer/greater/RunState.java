package greater.optimizer.greater;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything needed to continue a run after an interruption: the next step, the position, the
 * prompt ids, the best prompt so far, the per-step history, and the samples' reasoning under the
 * current prompt when it is known (null otherwise; a resumed run then need not generate it).
 * Randomness is derived from (seed, step), so a resumed run makes the same choices as an
 * uninterrupted one. {@code step} is the number of steps done, which is the 0-based index of the
 * next step.
 */
public record RunState(
        int step,
        int position,
        int[] prompt,
        int initialPromptLength,
        float initialScore,
        int[] bestPrompt,
        float bestScore,
        int stepsSinceBest,
        boolean stopped,
        List<StepRecord> history,
        Reasoning reasoning) {

    public RunState {
        history = List.copyOf(history);
    }

    static RunState start(int[] prompt, float initialScore, Reasoning reasoning) {
        return new RunState(0, 0, prompt.clone(), prompt.length, initialScore, prompt.clone(), initialScore, 0, false, new ArrayList<>(), reasoning);
    }
}
