package greater.optimizer.run;

import greater.optimizer.eval.Evaluation;
import greater.optimizer.greater.StepRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevSelectionTest {
    private static StepRecord step(int step, StepRecord.Scored... scored) {
        StepRecord.Scored chosen = scored[0];
        return new StepRecord(step, 0, List.of(), List.of(scored), new StepRecord.Choice(chosen.token(), chosen.id(), chosen.prompt(), chosen.prompt()),
                new StepRecord.Scores(1f, chosen.score(), 0f, 0f), new StepRecord.Timings(0, 0, 0, 0), new StepRecord.Drafts(false, 0, 0),
                new StepRecord.Variant("gradient", "official", Double.NaN));
    }

    private static StepRecord.Scored scored(String prompt, float score) {
        return new StepRecord.Scored(1, "x", prompt, score, 0f, 0f, 0f);
    }

    private static Evaluation dev(String prompt, int correct) {
        return new Evaluation(prompt, correct / 4.0, correct, 4, List.of());
    }

    @Test
    void topKAreTheDistinctPromptsWithTheLowestTrainScoreEarlierFirstOnTies() {
        var history = List.of(step(0, scored("b", 0.5f), scored("c", 0.3f)), step(1, scored("c", 0.3f), scored("d", 0.3f), scored("e", 0.9f)));
        var top = DevSelection.topByTrainScore("a", 0.7f, history, 3);
        assertEquals(List.of("c", "d", "b"), top.stream().map(DevSelection.Candidate::prompt).toList());
        assertEquals(0, top.getFirst().step());
        assertEquals(-1, DevSelection.topByTrainScore("a", 0.1f, history, 1).getFirst().step(), "the initial prompt counts, at step -1");
    }

    @Test
    void theMostAccurateOnDevWinsAndTiesKeepTheBetterTrainScore() {
        var top = DevSelection.topByTrainScore("a", 0.7f, List.of(step(0, scored("b", 0.5f), scored("c", 0.3f))), 3);
        DevSelection s = DevSelection.byDevAccuracy(top, Map.of("c", dev("c", 1), "b", dev("b", 3), "a", dev("a", 3)));
        assertEquals("b", s.chosen());
        assertEquals("dev accuracy", s.rule());
        assertTrue(s.reason().contains("75.0% (3/4)") && s.reason().contains("rank 2") && s.reason().contains("had 25.0%"), s.reason());
        DevSelection same = DevSelection.byDevAccuracy(top, Map.of("c", dev("c", 2), "b", dev("b", 2), "a", dev("a", 1)));
        assertEquals("c", same.chosen());
        assertTrue(same.reason().startsWith("the best by train score"), same.reason());
    }
}
