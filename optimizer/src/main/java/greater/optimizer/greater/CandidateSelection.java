package greater.optimizer.greater;

import greater.transformer.grad.ContinuationLoss;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Request;
import greater.transformer.infer.Stage;
import greater.transformer.infer.StageResult;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-scoring prompts for real (docs/ALGORITHM.md §2.4): under each prompt, regenerate every sample's
 * reasoning, append the target, and measure per sample the focused answer loss (at τ), whether
 * any answer token's argmax misses the gold token, and the prompt NLL. The score the official
 * code selects by is mean mistakes + (λ/10) · mean prompt NLL (greater_opt.py:414 at 42a22d9).
 * <p>All samples × all prompts go through one continuous batch. Each sequence starts from its
 * sample's {@link PromptPosition}; its prefill also scores the prompt tokens after i (fluency),
 * its generation may verify the current reasoning as a draft, and scoring then appends
 * extractor and answer to the cache the generation just filled.
 */
final class CandidateSelection {
    private CandidateSelection() {
    }

    /** A prompt's selection score and its parts, the reasoning it produced per sample, and its draft statistics. */
    record PromptScore(float score, float answerLoss, float mistakeRate, float promptNll, Reasoning reasoning, int drafted, int accepted) {
    }

    /**
     * Scores each of {@code prompts} (each equal to the positions' prompt except at i).
     *
     * @param drafts per sample, a draft of its reasoning (null: none)
     */
    static List<PromptScore> score(Transformer model, List<PromptPosition> positions, List<int[]> prompts, List<int[]> drafts,
                                   GenerationOptions reasoningOptions, GreaterSettings s, ExecutionSettings exec) {
        GenerationOptions options = s.useReasoning() ? reasoningOptions : GenerationOptions.greedy(0, reasoningOptions.stopIds());
        List<Request> requests = new ArrayList<>();
        for (int[] prompt : prompts) {
            for (int k = 0; k < positions.size(); k++) {
                PromptPosition p = positions.get(k);
                SampleLayout layout = p.sample().layout;
                int[] input = p.input(prompt);
                int[] answer = Arrays.copyOfRange(layout.target(), layout.answerFrom(), layout.target().length);
                Stage reasoning = new Stage(input, 0, 0, List.of(p.promptSpan(prompt, s.fluencyWeight())), options,
                        drafts == null ? null : drafts.get(k));
                requests.add(Request.fromPrefix(p.cache(), p.cached() + input.length + options.maxNewTokens() + layout.target().length + 1,
                        reasoning, done -> {
                            if (done.index() > 0) return null;
                            int[] unfed = done.unfed(options.stopIds());
                            var span = new ContinuationLoss.Span(unfed.length + layout.answerFrom() - 1, answer, s.answerTemperature(), 1f);
                            return Stage.score(Sample.concat(unfed, layout.target()), List.of(span));
                        }));
            }
        }
        List<List<StageResult>> done = exec.generator(model).generate(requests);
        List<PromptScore> scores = new ArrayList<>();
        int n = positions.size();
        for (int c = 0; c < prompts.size(); c++) {
            int[] prompt = prompts.get(c);
            double loss = 0, mistakes = 0, nll = 0;
            int drafted = 0, accepted = 0;
            List<int[]> reasoning = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                PromptPosition p = positions.get(k);
                List<StageResult> r = done.get(c * n + k);
                StageResult generated = r.get(0), scored = r.get(1);
                reasoning.add(generated.tokensWithoutStop(options.stopIds()));
                drafted += generated.drafted();
                accepted += generated.accepted();
                ContinuationLoss.SpanValue answer = scored.spans().getFirst();
                ContinuationLoss.SpanValue fluency = generated.spans().getFirst();
                loss += answer.meanNll();
                mistakes += answer.argmaxHitsAll() ? 0 : 1;
                int inForward = prompt.length - p.offset() - 1;
                nll += (p.nllFirst(prompt) + p.nllOutside(prompt) + fluency.meanNll() * inForward) / prompt.length;
            }
            float mistakeRate = (float) (mistakes / n);
            float promptNll = (float) (nll / n);
            scores.add(new PromptScore(mistakeRate + s.fluencyWeight() / 10f * promptNll, (float) (loss / n), mistakeRate, promptNll,
                    new Reasoning(prompt, reasoning), drafted, accepted));
        }
        return scores;
    }
}
