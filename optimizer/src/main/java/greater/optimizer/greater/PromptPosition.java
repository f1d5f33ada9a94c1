package greater.optimizer.greater;

import greater.transformer.grad.ContinuationLoss;
import greater.transformer.infer.Request;
import greater.transformer.infer.Stage;
import greater.transformer.infer.StageResult;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One sample at prompt position i, computed once per step by the proposal pass (docs/ALGORITHM.md §2.2, §5)
 * and shared by the gradient and selection: the next-token logits at i [V] (which propose the
 * candidates and give every candidate's own NLL), and where a forward over prompt[offset..] can
 * start: a cache holding prefix ⊕ prompt[0..offset) (null: nothing cached), the tokens still to
 * feed before prompt[offset..] ({@code lead}: the prefix itself when prefix reuse is off), and
 * Σ_{j=1}^{offset-1} NLL(prompt_j) of the prompt tokens before i, which no edit at i changes.
 * With reuse, offset = i; without, offset = 0 and everything is recomputed.
 */
record PromptPosition(Sample sample, int position, float[] logitsAtPosition, KvCache cache, int[] lead, int offset,
                      float nllBefore) {

    /** Every sample's position i under {@code prompt}: one packed pass over prompt[0..i) after each prefix. */
    static List<PromptPosition> compute(Transformer model, List<Sample> samples, int[] prompt, int i, GreaterSettings settings,
                                        ExecutionSettings exec) {
        List<PromptPosition> out = new ArrayList<>();
        if (i == 0) {
            for (Sample s : samples) out.add(new PromptPosition(s, 0, s.logitsAfterPrefix, startCache(s, settings), startLead(s, settings), 0, 0f));
            return out;
        }
        int kept = 0;
        for (Sample s : samples) kept += s.layout.prefix().length + i;
        // Keep the caches at i only when they all fit the budget together; else later phases recompute.
        boolean keep = exec.reuse() && settings.prefixReuse() && kept <= exec.tokenBudget();
        int[] before = Arrays.copyOf(prompt, i);
        List<Request> requests = new ArrayList<>();
        List<KvCache> caches = new ArrayList<>();
        for (Sample s : samples) {
            int[] lead = startLead(s, settings);
            int[] input = Sample.concat(lead, before);
            int l = lead.length;
            // rows l..l+i-2 predict prompt[1..i-1]; row l+i-1 predicts position i
            var span = new ContinuationLoss.Span(l, Arrays.copyOfRange(prompt, 1, i), 1f, 1f);
            Stage stage = new Stage(input, l + i - 1, l + i, List.of(span), greater.transformer.infer.GenerationOptions.greedy(0, java.util.Set.of()), null);
            if (keep) {
                KvCache cache = model.newCache(s.layout.prefix().length + i);
                cache.copyFrom(s.prefixCache);
                caches.add(cache);
                requests.add(Request.inCache(cache, stage, null));
            } else {
                caches.add(null);
                KvCache start = startCache(s, settings);
                requests.add(Request.fromPrefix(start, (start == null ? 0 : start.length()) + input.length, stage, null));
            }
        }
        List<List<StageResult>> done = exec.generator(model).generate(requests);
        for (int k = 0; k < samples.size(); k++) {
            Sample s = samples.get(k);
            StageResult r = done.get(k).getFirst();
            float nllBefore = r.spans().getFirst().meanNll() * (i - 1);
            out.add(keep ? new PromptPosition(s, i, r.logits().data(), caches.get(k), new int[0], i, nllBefore)
                    : new PromptPosition(s, i, r.logits().data(), startCache(s, settings), startLead(s, settings), 0, 0f));
        }
        return out;
    }

    private static KvCache startCache(Sample s, GreaterSettings settings) {
        return settings.prefixReuse() ? s.prefixCache : null;
    }

    private static int[] startLead(Sample s, GreaterSettings settings) {
        return settings.prefixReuse() ? new int[0] : s.layout.prefix();
    }

    /** Positions the start cache holds. */
    int cached() {
        return cache == null ? 0 : cache.length();
    }

    /** What a forward from here feeds for {@code prompt} (edited at most at i): lead ⊕ prompt[offset..] ⊕ suffix. */
    int[] input(int[] prompt) {
        return Sample.concat(Sample.concat(lead, Arrays.copyOfRange(prompt, offset, prompt.length)), sample.layout.suffix());
    }

    /** The fluency span over {@link #input}: rows predicting prompt[offset+1..L-1], weighted so the total adds λ/L per token. */
    ContinuationLoss.Span promptSpan(int[] prompt, float lambda) {
        int n = prompt.length - offset - 1;
        return new ContinuationLoss.Span(lead.length, Arrays.copyOfRange(prompt, offset + 1, prompt.length), 1f,
                n > 0 ? lambda * n / prompt.length : 0f);
    }

    /** Σ_{j=1}^{offset} NLL(prompt_j) outside the forward: the tokens before i, and the token at i from the kept logits. */
    float nllOutside(int[] prompt) {
        return offset == 0 ? 0f : nllBefore + nll(logitsAtPosition, prompt[offset]);
    }

    /** NLL of prompt token 0 (predicted from the prefix alone; not part of the differentiated total). */
    float nllFirst(int[] prompt) {
        return nll(sample.logitsAfterPrefix, prompt[0]);
    }

    static float nll(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        return (float) (max + Math.log(sum) - logits[target]);
    }
}
