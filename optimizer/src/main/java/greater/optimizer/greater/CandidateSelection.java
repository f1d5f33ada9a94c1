package greater.optimizer.greater;

import greater.tensor.Tensor;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.model.Transformer;

import java.util.List;

/**
 * Re-scoring a prompt for real (GREATER.md step 4): regenerate every sample's reasoning under the
 * prompt, append the target, and measure per sample the focused answer loss (at τ), whether any
 * answer token's argmax misses the gold token, and the prompt NLL. The score the official code
 * selects by is mean mistakes + (λ/10) · mean prompt NLL.
 */
final class CandidateSelection {
    private CandidateSelection() {
    }

    /** A prompt's selection score and its parts. */
    record PromptScore(float score, float answerLoss, float mistakeRate, float promptNll) {
    }

    static PromptScore score(Transformer model, List<Sample> samples, int[] prompt, GreaterSettings s, GenerationOptions reasoningOptions) {
        double loss = 0, mistakes = 0, nll = 0;
        for (Sample sample : samples) {
            int[] reasoning = s.useReasoning() ? sample.generateReasoning(prompt, reasoningOptions) : new int[0];
            int[] u = sample.continuation(prompt, reasoning);
            Tensor h = model.hiddenStates(model.embed(u), sample.afterPrefix());
            SequenceLoss.Terms t = SequenceLoss.compute(model, sample, prompt, reasoning, h, s.answerTemperature(), s.controlWeight());
            loss += t.answerLoss();
            mistakes += t.mistake() ? 1 : 0;
            nll += t.promptNll();
        }
        int n = samples.size();
        float mistakeRate = (float) (mistakes / n);
        float promptNll = (float) (nll / n);
        return new PromptScore(mistakeRate + s.controlWeight() / 10f * promptNll, (float) (loss / n), mistakeRate, promptNll);
    }
}
