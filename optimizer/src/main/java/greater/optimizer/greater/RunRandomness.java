package greater.optimizer.greater;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Every source of randomness in a run, in one place, and their description for {@code run.json}.
 * A run is a function of the model, the data and these: the train/test draw ({@code splitSeed},
 * chosen by the task), the candidate subsets of each step and the RANDOM ranking's order (both
 * from {@code seed} and the step index, so a resumed run draws what an uninterrupted one would).
 * Generation is greedy and every tie is broken by a fixed rule, never by chance.
 */
public final class RunRandomness {
    private RunRandomness() {
    }

    /** The generator of step {@code step}'s top-q random sample subsets (CandidateProposal). */
    static Random candidateSubsets(long seed, int step) {
        return new Random(seed * 1_000_003L + step);
    }

    /** The generator of step {@code step}'s order under {@link CandidateRanking#RANDOM}. */
    static Random rankingOrder(long seed, int step) {
        return new Random((seed * 1_000_003L + step) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    }

    /**
     * What {@code run.json} records under {@code "randomness"}: the seeds, and in words how each
     * random or tied choice is made.
     */
    public static Map<String, Object> describe(long splitSeed, GreaterSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split_seed", splitSeed);
        m.put("split", splitSeed == 0 ? "the task's fixed draw (file order; demo: problems from seeds 2025/2026)"
                : "examples shuffled (data files) or problems drawn (demo) from split_seed");
        m.put("seed", s.seed());
        m.put("candidate_subsets", "java.util.Random(seed * 1000003 + step) draws each step's top-q sample subsets");
        m.put("ranking", s.ranking().label() + (s.ranking() == CandidateRanking.RANDOM
                ? ": java.util.Random derived from (seed, step) shuffles the candidates" : ": deterministic"));
        m.put("ties", "ranking: lower token id first; selection: the later re-scored candidate of equal score ("
                + s.search().label() + (s.search().keepsOnlyNonWorse() ? ", and a move only if no worse than the current prompt)" : ")"));
        m.put("generation", "greedy");
        return m;
    }
}
