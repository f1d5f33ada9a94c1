package greater.optimizer.greater;

import greater.tensor.SettingException;
import java.util.Locale;

/**
 * Which edit a step keeps and where the next step looks (docs/ALGORITHM.md §2.4-2.5; §6 compares
 * the two).
 * <ul>
 *   <li>{@link #OFFICIAL}: the official code's schedule, the default for fidelity. The lowest-scoring
 *       re-scored candidate is kept even when it scores worse than the current prompt (the annealed
 *       acceptance is computed but ignored, attack_manager.py:1397-1402); a candidate containing
 *       "." at a position past half the initial prompt is taken at once, before the candidates
 *       after it are scored (greater_opt.py:422-425); past the end the position wraps to 0 if the
 *       prompt now ends a sentence, else the prompt grows by a filler token ("_") that later steps
 *       replace (greater_opt.py:446-454).
 *       Scores are forgotten at each wrap.</li>
 *   <li>{@link #HILL_CLIMB}: a move is kept only when its re-scored prompt is no worse than the
 *       current one (the current prompt's score is the reference, so the train score never rises);
 *       every re-scored candidate is scored (no "." shortcut); past the end the position wraps to
 *       0, so positions are revisited instead of the prompt growing by fillers. Scores are kept
 *       for the whole run (they depend only on the prompt: greedy reasoning), so a prompt seen
 *       before costs nothing.</li>
 * </ul>
 * Why HILL_CLIMB exists: the official schedule takes "." before scoring a far better candidate,
 * keeps moves to worse prompts and grows the prompt with fillers that later steps fill with more
 * words. Measured over 5 split seeds of the demo ({@code benchmarks/results/search-grid.md};
 * docs/ALGORITHM.md §6): with reasoning to the end of the turn hill climbing had the best mean and
 * the smallest spread (84.4 ± 2.7% against 84.0 ± 4.1%, 8 candidates re-scored); with the demo's
 * reasoning stopped at the extractor both clear 92% on every seed and it is not better
 * (96.6 ± 1.7% against 97.2 ± 0.8%), so OFFICIAL stays the default.
 */
public enum SearchSchedule {
    OFFICIAL, HILL_CLIMB;

    /** Where the next step starts: the prompt (possibly grown) and the position; {@code wrapped} when back at 0. */
    record Move(int[] prompt, int position, boolean wrapped) {
    }

    /** The name users type ({@code --search hill-climb}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The schedule called {@code label} (case-insensitive); throws a {@link SettingException} ({@code search}) naming the choices. */
    public static SearchSchedule parse(String label) {
        for (SearchSchedule s : values()) if (s.label().equalsIgnoreCase(label)) return s;
        throw new SettingException("search", "must be official or hill-climb, got '" + label + "'");
    }

    /** Official: stop re-scoring and take a sentence end once past half the initial prompt. */
    boolean takesSentenceEndAtOnce(String token, int position, int initialPromptLength) {
        return this == OFFICIAL && token.contains(".") && position >= initialPromptLength / 2;
    }

    /** Hill climbing: a re-scored candidate worse than the current prompt is not kept. */
    boolean keepsOnlyNonWorse() {
        return this == HILL_CLIMB;
    }

    /** Official: the sweep's scores are dropped when the position wraps. */
    boolean forgetsScoresOnWrap() {
        return this == OFFICIAL;
    }

    /** The next position after editing {@code position} of {@code kept}, whose token there is {@code keptToken}. */
    Move next(int[] kept, int position, String keptToken, int fillerToken) {
        int next = position + 1;
        if (next < kept.length) return new Move(kept, next, false);
        if (this == HILL_CLIMB || keptToken.contains(".")) return new Move(kept, 0, true);
        return new Move(Sample.concat(kept, new int[]{fillerToken}), next, false);
    }
}
