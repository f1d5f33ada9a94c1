package greater.optimizer.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import greater.optimizer.eval.Evaluation;
import greater.optimizer.greater.StepRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the final prompt was chosen, as {@code result.json} and the report state it. With a dev
 * split, the k best distinct prompts scored on train during the run (the initial prompt and every
 * re-scored candidate, lowest selection score first, earlier first on ties) are evaluated on dev
 * and the most accurate wins (ties: the better train score); the official code leaves this step to
 * an unpublished script. Without one, the final prompt is the optimizer's best by train score.
 *
 * @param rule       "dev accuracy" or "train score"
 * @param reason     one sentence for people
 * @param chosen     the final prompt
 * @param candidates the prompts considered, best train score first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DevSelection(String rule, String reason, String chosen, List<Candidate> candidates) {

    /** A prompt seen in the run: its train selection score, the step that first scored it (its 0-based trace index; -1: initial), its dev accuracy if measured. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Candidate(String prompt, float trainScore, int step, Double devAccuracy, Integer devCorrect, Integer devSize) {
    }

    /** The {@code k} best distinct prompts by train score. */
    static List<Candidate> topByTrainScore(String initialPrompt, float initialScore, List<StepRecord> history, int k) {
        Map<String, Candidate> seen = new LinkedHashMap<>();
        seen.put(initialPrompt, new Candidate(initialPrompt, initialScore, -1, null, null, null));
        for (StepRecord r : history) {
            for (StepRecord.Scored s : r.selected()) seen.putIfAbsent(s.prompt(), new Candidate(s.prompt(), s.score(), r.step(), null, null, null));
        }
        return seen.values().stream()
                .sorted(Comparator.comparingDouble(Candidate::trainScore).thenComparingInt(Candidate::step))
                .limit(k).toList();
    }

    /** Without a dev split: the optimizer's best prompt. */
    static DevSelection byTrainScore(String best, float score, List<StepRecord> history) {
        int step = -1;
        for (StepRecord r : history) {
            for (StepRecord.Scored s : r.selected()) if (step < 0 && s.prompt().equals(best)) step = r.step();
        }
        return new DevSelection("train score", String.format(Locale.ROOT,
                "no dev split (--dev 0): the prompt with the lowest train selection score (%.4f)", score), best,
                List.of(new Candidate(best, score, step, null, null, null)));
    }

    /** The most accurate on dev among {@code top} (in train-score order; ties keep the earlier). */
    static DevSelection byDevAccuracy(List<Candidate> top, Map<String, Evaluation> dev) {
        List<Candidate> scored = new ArrayList<>();
        Candidate best = null;
        for (Candidate c : top) {
            Evaluation e = dev.get(c.prompt());
            Candidate s = new Candidate(c.prompt(), c.trainScore(), c.step(), e.accuracy(), e.correct(), e.n());
            scored.add(s);
            if (best == null || s.devAccuracy() > best.devAccuracy()) best = s;
        }
        Candidate first = scored.getFirst();
        String reason = best == first
                ? String.format(Locale.ROOT, "the best by train score (%.4f) is also the most accurate on dev: %s (%d/%d) among the top %d",
                best.trainScore(), pct(best.devAccuracy()), best.devCorrect(), best.devSize(), scored.size())
                : String.format(Locale.ROOT, "most accurate on dev among the top %d by train score: %s (%d/%d), train score %.4f (rank %d); "
                        + "the best by train score (%.4f) had %s on dev",
                scored.size(), pct(best.devAccuracy()), best.devCorrect(), best.devSize(), best.trainScore(), scored.indexOf(best) + 1,
                first.trainScore(), pct(first.devAccuracy()));
        return new DevSelection("dev accuracy", reason, best.prompt(), scored);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
