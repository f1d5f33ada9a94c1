package greater.optimizer.greater;

import greater.tensor.SettingException;
import greater.tensor.Tensor;
import greater.transformer.grad.ContinuationLoss;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The order in which a step's candidate tokens are re-scored (docs/ALGORITHM.md §2.3 → §2.4; the
 * ablation is §6). The
 * candidate set and the re-scoring budget (the first {@code selectionCandidates} of the order) are
 * the same for every rule; only the order differs, which makes these the paper's ablation of its
 * central claim:
 * <ul>
 *   <li>{@link #GRADIENT}: GReaTer. Ascending one-hot gradient ∂loss/∂onehot_c
 *       (docs/ALGORITHM.md, formula (3)): the first-order estimate of the loss change when position i becomes c.</li>
 *   <li>{@link #RANDOM}: a uniformly random order, drawn from {@link RunRandomness#rankingOrder}. No gradient
 *       is computed, so its wall time also shows what the gradient costs.</li>
 *   <li>{@link #LOSS}: ascending exact loss, the same objective the gradient differentiates (answer
 *       cross-entropy at τ plus λ·prompt NLL, reasoning held fixed), computed for every candidate
 *       by a forward pass per sample: |C| · N forwards instead of N forward/backward passes. It
 *       is the upper bound the gradient approximates. The gradient is computed as well, and the
 *       step records the Spearman correlation between the two orders.</li>
 * </ul>
 * Ties are broken by the lower token id in every rule, so an order is a function of the model,
 * the prompt, the samples' reasoning and (for RANDOM) the seed and step.
 */
public enum CandidateRanking {
    GRADIENT, RANDOM, LOSS;

    /**
     * The candidates in re-scoring order, each with its one-hot gradient and exact loss (NaN where
     * the rule does not compute it); the mean loss of the gradient pass (NaN when none ran); and the
     * Spearman correlation between gradient and exact-loss orders (NaN unless both were computed).
     */
    record Ranked(List<StepRecord.Candidate> order, float gradientLoss, double rankCorrelation) {
    }

    /** The name users type ({@code --ranking gradient}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The rule called {@code label} (case-insensitive); throws a {@link SettingException} ({@code ranking}) naming the choices. */
    public static CandidateRanking parse(String label) {
        for (CandidateRanking r : values()) if (r.label().equalsIgnoreCase(label)) return r;
        throw new SettingException("ranking", "must be gradient, random or loss, got '" + label + "'");
    }

    /**
     * Ranks {@code candidates} for prompt position {@code position}; {@code reasoning} must be the
     * samples' reasoning under {@code prompt} and {@code positions} their proposal pass at
     * {@code position} ({@link PromptPosition#compute}).
     */
    Ranked rank(Transformer model, List<PromptPosition> positions, Reasoning reasoning, int[] prompt, int position, int[] candidates,
                GreaterSettings s, ExecutionSettings exec, int step, IntFunction<String> token) {
        int n = candidates.length;
        float[] gradient = nan(n), exact = nan(n);
        float gradientLoss = Float.NaN;
        if (this != RANDOM) {
            GradientOverReasoning.Result g = GradientOverReasoning.compute(model, positions, reasoning, prompt, candidates, s, exec);
            gradient = g.gradient();
            gradientLoss = g.meanLoss();
        }
        if (this == LOSS) exact = exactLosses(model, positions, reasoning, prompt, candidates, s);

        List<StepRecord.Candidate> order = new ArrayList<>();
        for (int c = 0; c < n; c++) order.add(new StepRecord.Candidate(candidates[c], token.apply(candidates[c]), gradient[c], exact[c]));
        Comparator<StepRecord.Candidate> byId = Comparator.comparingInt(StepRecord.Candidate::id);
        switch (this) {
            case GRADIENT -> order.sort(Comparator.comparingDouble(StepRecord.Candidate::gradient).thenComparing(byId));
            case LOSS -> order.sort(Comparator.comparingDouble(StepRecord.Candidate::exactLoss).thenComparing(byId));
            case RANDOM -> Collections.shuffle(order, RunRandomness.rankingOrder(s.seed(), step));
        }
        double rho = this == LOSS ? RankCorrelation.spearman(gradient, exact) : Double.NaN;
        return new Ranked(order, gradientLoss, rho);
    }

    /**
     * Mean over samples of the loss GReaTer differentiates (the same spans as
     * {@link GradientOverReasoning}), for each candidate at the position, by a plain forward pass
     * (no tape) from the sample's proposal-pass cache with its current reasoning in the context.
     */
    static float[] exactLosses(Transformer model, List<PromptPosition> positions, Reasoning reasoning, int[] prompt, int[] candidates,
                               GreaterSettings s) {
        double[] sum = new double[candidates.length];
        int[] edited = prompt.clone();
        for (int k = 0; k < positions.size(); k++) {
            PromptPosition p = positions.get(k);
            int[] r = reasoning.samples().get(k);
            for (int c = 0; c < candidates.length; c++) {
                edited[p.position()] = candidates[c];
                int[] u = Sample.concat(Sample.concat(p.input(edited), r), p.sample().layout.target());
                KvCache cache = null;
                if (p.cache() != null) {
                    cache = model.newCache(p.cached() + u.length);
                    cache.copyFrom(p.cache());
                }
                Tensor h = model.hiddenStates(model.embed(u), cache);
                sum[c] += ContinuationLoss.of(model, h, GradientOverReasoning.spans(p, edited, r, s)).total().getFloat(0)
                        + s.fluencyWeight() / edited.length * p.nllOutside(edited);
            }
        }
        float[] out = new float[candidates.length];
        for (int c = 0; c < out.length; c++) out[c] = (float) (sum[c] / positions.size());
        return out;
    }

    private static float[] nan(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }
}
