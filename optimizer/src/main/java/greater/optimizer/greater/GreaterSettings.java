package greater.optimizer.greater;

import greater.tensor.UserInputException;

/**
 * The knobs of one GReaTer run, with the official defaults (docs/ALGORITHM.md §2.2-2.6; official
 * code psunlpgroup/GreaTer at 42a22d9): top-k 40 per sample (run_llama3_all.sh:76), top-q 6
 * intersections (run_llama3_all.sh:77) of 5 random samples (greater_opt.py:220), at least 6
 * candidates (greater_opt.py:316), 3 candidates re-scored (greater_opt.py:227), answer
 * temperature 0.2 and fluency weight 0.2 (greater_opt.py:27), 1024 reasoning tokens
 * (attack_manager.py:873), early stop below 0.12 or after 150 steps without a new best
 * (attack_manager.py:1335-1336), 100 steps (the official README.md:33); candidates ranked by the
 * gradient and the official search schedule; reasoning ends at the end of the turn
 * (attack_manager.py:870-876), or before the model's own extractor ({@link ReasoningStop}).
 */
public record GreaterSettings(
        int steps,
        int topK,
        int topQ,
        int subsetSize,
        int minCandidates,
        int selectionCandidates,
        float answerTemperature,
        float controlWeight,
        int maxReasoningTokens,
        boolean useReasoning,
        boolean prefixReuse,
        float earlyStopScore,
        int patience,
        long seed,
        CandidateRanking ranking,
        SearchSchedule search,
        ReasoningStop reasoningStop) {

    public static GreaterSettings defaults() {
        return new GreaterSettings(100, 40, 6, 5, 6, 3, 0.2f, 0.2f, 1024, true, true, 0.12f, 150, 42, CandidateRanking.GRADIENT, SearchSchedule.OFFICIAL, ReasoningStop.END_OF_TURN);
    }

    public GreaterSettings {
        if (steps < 0) throw new UserInputException("--steps must be >= 0, got " + steps);
        if (topK < 1) throw new UserInputException("--topk must be >= 1, got " + topK);
        if (topQ < 1) throw new UserInputException("--topq must be >= 1, got " + topQ);
        if (subsetSize < 1 || minCandidates < 1) throw new UserInputException("subset size and minimum candidates must be >= 1");
        if (selectionCandidates < 1) throw new UserInputException("--candidates must be >= 1, got " + selectionCandidates);
        if (!(answerTemperature > 0) || Float.isInfinite(answerTemperature)) throw new UserInputException("answer temperature must be > 0");
        if (!(controlWeight >= 0) || Float.isInfinite(controlWeight)) throw new UserInputException("--control-weight must be >= 0, got " + controlWeight);
        if (ranking == null || search == null || reasoningStop == null) throw new UserInputException("ranking, search and reasoning stop must be given");
        if (maxReasoningTokens < 1) throw new UserInputException("--max-reasoning-tokens must be >= 1, got " + maxReasoningTokens);
    }

    public GreaterSettings withSteps(int v) {
        return new GreaterSettings(v, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withTopK(int v) {
        return new GreaterSettings(steps, v, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withTopQ(int v) {
        return new GreaterSettings(steps, topK, v, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withControlWeight(float v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, v, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withMaxReasoningTokens(int v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, v, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withReasoning(boolean v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, v, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withPrefixReuse(boolean v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, v, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withSelectionCandidates(int v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, v, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, reasoningStop);
    }

    public GreaterSettings withSeed(long v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, v, ranking, search, reasoningStop);
    }

    /** The order candidates are re-scored in (the ablation switch; default GRADIENT). */
    public GreaterSettings withRanking(CandidateRanking v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, v, search, reasoningStop);
    }

    /** Which moves are kept and which position comes next (default OFFICIAL). */
    public GreaterSettings withSearch(SearchSchedule v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, v, reasoningStop);
    }

    /** Where reasoning ends (default END_OF_TURN, the official code's; docs/ALGORITHM.md §6). */
    public GreaterSettings withReasoningStop(ReasoningStop v) {
        return new GreaterSettings(steps, topK, topQ, subsetSize, minCandidates, selectionCandidates, answerTemperature, controlWeight, maxReasoningTokens, useReasoning, prefixReuse, earlyStopScore, patience, seed, ranking, search, v);
    }
}
