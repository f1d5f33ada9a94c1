package greater.optimizer.greater;

import java.util.List;

/**
 * What one optimization step did, as written to the JSONL trace: the position, every candidate
 * with its one-hot gradient, the re-scored candidates with their selection scores, the chosen
 * token and the resulting prompt; whether the step's reasoning was carried over from the previous
 * step's selection, and how many reasoning tokens were checked as drafts and accepted; the
 * candidate ranking and search schedule in use, and (LOSS ranking) the Spearman correlation
 * between the gradient and exact-loss orders of the candidates.
 */
public record StepRecord(
        int step,
        int position,
        List<Candidate> candidates,
        List<Scored> selected,
        String chosenToken,
        int chosenId,
        String prompt,
        String bestPrompt,
        float gradientLoss,
        float score,
        float answerLoss,
        float mistakeRate,
        double seconds,
        double generationSeconds,
        double gradientSeconds,
        double selectionSeconds,
        boolean reasoningReused,
        int draftTokens,
        int draftAccepted,
        String ranking,
        String search,
        double rankCorrelation) {

    /**
     * A proposed token, its normalized one-hot gradient (more negative = steeper descent; NaN under
     * the RANDOM ranking) and its exact loss (NaN unless the LOSS ranking computed it).
     */
    public record Candidate(int id, String token, float gradient, float exactLoss) {
    }

    /** A re-scored candidate: the prompt it makes and its selection score. */
    public record Scored(int id, String token, String prompt, float score, float answerLoss, float mistakeRate, float promptNll) {
    }
}
