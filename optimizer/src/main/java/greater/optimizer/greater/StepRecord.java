package greater.optimizer.greater;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * What one optimization step did, as written to the JSONL trace (one line per step) and kept in
 * the checkpoint's history: the position edited, every candidate with its one-hot gradient, the
 * re-scored candidates with their selection scores, and in groups the choice, its scores, the
 * step's timings, the reasoning's reuse and drafts, and the variant of the algorithm that ran.
 * The groups are written flat ({@code @JsonUnwrapped}), so a trace line has the same keys as
 * before they were grouped: {@code step, position, candidates, selected, chosenToken, chosenId,
 * prompt, bestPrompt, gradientLoss, score, answerLoss, mistakeRate, seconds, generationSeconds,
 * gradientSeconds, selectionSeconds, reasoningReused, draftTokens, draftAccepted, ranking,
 * search, rankCorrelation}.
 *
 * @param step       0-based step index (the console and report.html count from 1: their "step k" is index k - 1; README "The run folder")
 * @param position   the prompt position i edited (0-based, in prompt tokens)
 * @param candidates the candidate set C_i in re-scoring order
 * @param selected   the candidates re-scored, in the order tried
 */
public record StepRecord(
        int step,
        int position,
        List<Candidate> candidates,
        List<Scored> selected,
        @JsonUnwrapped Choice choice,
        @JsonUnwrapped Scores scores,
        @JsonUnwrapped Timings timings,
        @JsonUnwrapped Drafts drafts,
        @JsonUnwrapped Variant variant) {

    /**
     * A proposed token, its normalized one-hot gradient (more negative = steeper descent; NaN under
     * the RANDOM ranking) and its exact loss (NaN unless the LOSS ranking computed it).
     */
    public record Candidate(int id, String token, float gradient, float exactLoss) {
    }

    /** A re-scored candidate: the prompt it makes and its selection score (docs/ALGORITHM.md §2.4). */
    public record Scored(int id, String token, String prompt, float score, float answerLoss, float mistakeRate, float promptNll) {
    }

    /** The token chosen at the position, the prompt it made, and the best prompt so far (by score). */
    public record Choice(String chosenToken, int chosenId, String prompt, String bestPrompt) {
    }

    /**
     * The mean loss of the gradient pass ({@code gradientLoss}; NaN when no gradient ran) and the
     * chosen prompt's selection score with its parts: answer loss and mistake rate (fraction of
     * train samples answered wrong).
     */
    public record Scores(float gradientLoss, float score, float answerLoss, float mistakeRate) {
    }

    /**
     * Wall-clock seconds of the whole step and of its three phases: reasoning (generated under the
     * current prompt; about 0 when {@link Drafts#reasoningReused} carried it over: the previous
     * step's selection generated it, or for the first step the scoring of the initial prompt),
     * gradient (candidate proposal included) and selection.
     */
    public record Timings(double seconds, double generationSeconds, double gradientSeconds, double selectionSeconds) {
    }

    /**
     * Whether the step's reasoning was carried over from the previous step's selection, and how
     * many regenerated reasoning tokens were checked as drafts and accepted.
     */
    public record Drafts(boolean reasoningReused, int draftTokens, int draftAccepted) {
    }

    /**
     * The candidate ranking and search schedule in use (their labels), and under the LOSS ranking
     * the Spearman correlation between the gradient and exact-loss orders (NaN otherwise).
     */
    public record Variant(String ranking, String search, double rankCorrelation) {
    }
}
