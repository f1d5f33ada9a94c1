package greater.optimizer.greater;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything needed to continue a run after an interruption: the next step, the position, the
 * prompt ids, the best prompt so far, and the per-step history. Randomness is derived from
 * (seed, step), so a resumed run makes the same choices as an uninterrupted one.
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
        List<StepRecord> history) {

    public RunState {
        history = List.copyOf(history);
    }

    static RunState start(int[] prompt, float initialScore) {
        return new RunState(0, 0, prompt.clone(), prompt.length, initialScore, prompt.clone(), initialScore, 0, false, new ArrayList<>());
    }
}
