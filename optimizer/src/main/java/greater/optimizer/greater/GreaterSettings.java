package greater.optimizer.greater;

import greater.tensor.SettingException;

/**
 * The knobs of one GReaTer run. {@link #builder()} starts from the official code's values
 * (psunlpgroup/GreaTer at 42a22d9; docs/ALGORITHM.md §2.2-2.6 cites each): 100 steps (README.md:33),
 * top-k 40 per sample (run_llama3_all.sh:76), top-q 6 intersections (run_llama3_all.sh:77) of 5
 * random samples (greater_opt.py:220), at least 6 candidates (greater_opt.py:316), 3 candidates
 * re-scored (greater_opt.py:227), answer temperature τ 0.2 and fluency weight λ 0.2
 * (greater_opt.py:27), at most 1024 reasoning tokens (attack_manager.py:873), early stop below a
 * score of 0.12 or after 150 steps without a new best (attack_manager.py:1335-1336), seed 42;
 * candidates ranked by the gradient under the official search schedule; reasoning ends at the end
 * of the turn (attack_manager.py:870-876), or before the model's own extractor ({@link ReasoningStop}).
 * These are the
 * {@code paper} preset's settings ({@link GreaterPreset#PAPER}).
 *
 * <p>Every value is checked when the record is made: a value outside its range throws a
 * {@link SettingException} naming the component ({@code "topK must be >= 1, got 0"}).
 *
 * <p>The fluency weight was called {@code controlWeight} (GCG's "control") before; run.json files
 * holding that key are read by {@code RunFolder.recorded}.
 *
 * @param steps            optimization steps (each edits one prompt position), >= 0
 * @param topK             k: candidate tokens taken per sample from the model's next-token distribution, >= 1
 * @param topQ             q: random sample subsets whose top-k sets are intersected, >= 1
 * @param subsetSize       samples per subset, >= 1
 * @param minCandidates    fewest candidates; k grows by 2 until reached, >= 1
 * @param selectionCandidates candidates re-scored per step, steepest gradient first, >= 1
 * @param answerTemperature τ: the answer's logits are divided by it in the loss, > 0
 * @param fluencyWeight    λ: weight of the prompt's mean negative log-likelihood (the paper's
 *                         fluency term; the official code's {@code control_weight}), >= 0
 * @param maxReasoningTokens most reasoning tokens generated per sample, >= 1
 * @param useReasoning     false: the paper's ablation, gradient from the answer without reasoning
 * @param prefixReuse      the question prefix's KV cache is computed once per sample (cost only)
 * @param earlyStopScore   stop (restart in the official code) when the best score falls below this
 * @param patience         stop after this many steps without a new best
 * @param seed             seed of the candidate subsets and of the random ranking
 * @param ranking          the order candidates are re-scored in (the ablation switch)
 * @param search           which moves are kept and which position comes next
 * @param reasoningStop    where reasoning ends: the end of the turn (official) or before the model's own extractor
 */
public record GreaterSettings(
        int steps,
        int topK,
        int topQ,
        int subsetSize,
        int minCandidates,
        int selectionCandidates,
        float answerTemperature,
        float fluencyWeight,
        int maxReasoningTokens,
        boolean useReasoning,
        boolean prefixReuse,
        float earlyStopScore,
        int patience,
        long seed,
        CandidateRanking ranking,
        SearchSchedule search,
        ReasoningStop reasoningStop) {

    /** @throws SettingException naming the first component outside its range */
    public GreaterSettings {
        SettingException.atLeast("steps", steps, 0);
        SettingException.atLeast("topK", topK, 1);
        SettingException.atLeast("topQ", topQ, 1);
        SettingException.atLeast("subsetSize", subsetSize, 1);
        SettingException.atLeast("minCandidates", minCandidates, 1);
        SettingException.atLeast("selectionCandidates", selectionCandidates, 1);
        if (!(answerTemperature > 0) || Float.isInfinite(answerTemperature)) {
            throw new SettingException("answerTemperature", "must be a finite number > 0, got " + answerTemperature);
        }
        if (!(fluencyWeight >= 0) || Float.isInfinite(fluencyWeight)) {
            throw new SettingException("fluencyWeight", "must be a finite number >= 0, got " + fluencyWeight);
        }
        SettingException.atLeast("maxReasoningTokens", maxReasoningTokens, 1);
        if (Float.isNaN(earlyStopScore)) throw new SettingException("earlyStopScore", "must be a number, got NaN");
        SettingException.atLeast("patience", patience, 1);
        if (ranking == null) throw new SettingException("ranking", "must be given");
        if (search == null) throw new SettingException("search", "must be given");
        if (reasoningStop == null) throw new SettingException("reasoningStop", "must be given");
    }

    /** The official code's settings (the {@code paper} preset). */
    public static GreaterSettings defaults() {
        return builder().build();
    }

    /** A builder holding the official code's settings (see the class comment). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings; {@link #build} checks them all. Each setter's name is the component it sets. */
    public static final class Builder {
        private int steps = 100;
        private int topK = 40;
        private int topQ = 6;
        private int subsetSize = 5;
        private int minCandidates = 6;
        private int selectionCandidates = 3;
        private float answerTemperature = 0.2f;
        private float fluencyWeight = 0.2f;
        private int maxReasoningTokens = 1024;
        private boolean useReasoning = true;
        private boolean prefixReuse = true;
        private float earlyStopScore = 0.12f;
        private int patience = 150;
        private long seed = 42;
        private CandidateRanking ranking = CandidateRanking.GRADIENT;
        private SearchSchedule search = SearchSchedule.OFFICIAL;
        private ReasoningStop reasoningStop = ReasoningStop.END_OF_TURN;

        private Builder() {
        }

        private Builder(GreaterSettings s) {
            steps = s.steps;
            topK = s.topK;
            topQ = s.topQ;
            subsetSize = s.subsetSize;
            minCandidates = s.minCandidates;
            selectionCandidates = s.selectionCandidates;
            answerTemperature = s.answerTemperature;
            fluencyWeight = s.fluencyWeight;
            maxReasoningTokens = s.maxReasoningTokens;
            useReasoning = s.useReasoning;
            prefixReuse = s.prefixReuse;
            earlyStopScore = s.earlyStopScore;
            patience = s.patience;
            seed = s.seed;
            ranking = s.ranking;
            search = s.search;
            reasoningStop = s.reasoningStop;
        }

        public Builder steps(int v) {
            steps = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder topQ(int v) {
            topQ = v;
            return this;
        }

        public Builder subsetSize(int v) {
            subsetSize = v;
            return this;
        }

        public Builder minCandidates(int v) {
            minCandidates = v;
            return this;
        }

        public Builder selectionCandidates(int v) {
            selectionCandidates = v;
            return this;
        }

        public Builder answerTemperature(float v) {
            answerTemperature = v;
            return this;
        }

        /** λ, the weight of the prompt's fluency (mean NLL) in the loss. */
        public Builder fluencyWeight(float v) {
            fluencyWeight = v;
            return this;
        }

        public Builder maxReasoningTokens(int v) {
            maxReasoningTokens = v;
            return this;
        }

        /** False: the paper's no-reasoning ablation. */
        public Builder useReasoning(boolean v) {
            useReasoning = v;
            return this;
        }

        public Builder prefixReuse(boolean v) {
            prefixReuse = v;
            return this;
        }

        public Builder earlyStopScore(float v) {
            earlyStopScore = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder ranking(CandidateRanking v) {
            ranking = v;
            return this;
        }

        public Builder search(SearchSchedule v) {
            search = v;
            return this;
        }

        /** Where reasoning ends (docs/ALGORITHM.md §6). */
        public Builder reasoningStop(ReasoningStop v) {
            reasoningStop = v;
            return this;
        }

        /** @throws SettingException naming the first setting outside its range */
        public GreaterSettings build() {
            return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature,
                    fluencyWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search,
                    reasoningStop);
        }
    }
}
