package greater.optimizer.greater;

import greater.tensor.SettingException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings' builder, their range checks (named by setting) and the two presets. */
class GreaterSettingsTest {
    @Test
    void theBuilderStartsFromTheOfficialValuesAndSetsEveryComponent() throws Exception {
        GreaterSettings s = GreaterSettings.builder().build();
        assertEquals(new GreaterSettings(100, 40, 6, 5, 6, 3, 0.2f, 0.2f, 1024, true, true, 0.12f, 150, 42,
                CandidateRanking.GRADIENT, SearchSchedule.OFFICIAL, ReasoningStop.END_OF_TURN), s);
        assertEquals(s, GreaterSettings.defaults());
        assertEquals(s, s.toBuilder().build());
        // Every component has a builder method of its name, and toBuilder keeps every value.
        GreaterSettings odd = new GreaterSettings(7, 9, 2, 3, 4, 5, 0.5f, 0.7f, 33, false, false, -1f, 9, 11,
                CandidateRanking.LOSS, SearchSchedule.HILL_CLIMB, ReasoningStop.EXTRACTOR);
        assertEquals(odd, odd.toBuilder().build());
        for (RecordComponent c : GreaterSettings.class.getRecordComponents()) {
            var setter = GreaterSettings.Builder.class.getMethod(c.getName(), c.getType());
            GreaterSettings.Builder b = GreaterSettings.builder();
            setter.invoke(b, c.getAccessor().invoke(odd));
            assertEquals(c.getAccessor().invoke(odd), c.getAccessor().invoke(b.build()), c.getName());
        }
    }

    @Test
    void aValueOutOfRangeIsNamedBySetting() {
        check("steps", "must be >= 0, got -1", b -> b.steps(-1));
        check("topK", "must be >= 1, got 0", b -> b.topK(0));
        check("topQ", "must be >= 1, got 0", b -> b.topQ(0));
        check("subsetSize", "must be >= 1, got 0", b -> b.subsetSize(0));
        check("minCandidates", "must be >= 1, got 0", b -> b.minCandidates(0));
        check("selectionCandidates", "must be >= 1, got 0", b -> b.selectionCandidates(0));
        check("answerTemperature", "must be a finite number > 0, got 0.0", b -> b.answerTemperature(0));
        check("fluencyWeight", "must be a finite number >= 0, got -1.0", b -> b.fluencyWeight(-1));
        check("fluencyWeight", "must be a finite number >= 0, got NaN", b -> b.fluencyWeight(Float.NaN));
        check("maxReasoningTokens", "must be >= 1, got 0", b -> b.maxReasoningTokens(0));
        check("earlyStopScore", "must be a number, got NaN", b -> b.earlyStopScore(Float.NaN));
        check("patience", "must be >= 1, got 0", b -> b.patience(0));
        check("ranking", "must be given", b -> b.ranking(null));
        check("search", "must be given", b -> b.search(null));
        check("ranking", "must be gradient, random or loss, got 'best'", b -> b.ranking(CandidateRanking.parse("best")));
        check("tokenBudget", "must be >= 1, got 0", b -> {
            new ExecutionSettings(0, true, true, true);
            return b;
        });
    }

    private static void check(String setting, String problem, UnaryOperator<GreaterSettings.Builder> change) {
        SettingException e = assertThrows(SettingException.class, () -> change.apply(GreaterSettings.builder()).build());
        assertEquals(setting, e.setting());
        assertEquals(problem, e.problem());
        assertEquals(setting + " " + problem, e.getMessage());
    }

    @Test
    void presetsAreFoundByNameAndDifferOnlyWhereTheDemoNeedsTo() {
        assertSame(GreaterPreset.PAPER, GreaterPreset.named("paper"));
        assertSame(GreaterPreset.DEMO, GreaterPreset.named("demo"));
        SettingException e = assertThrows(SettingException.class, () -> GreaterPreset.named("fast"));
        assertEquals("preset must be one of [paper, demo], got fast", e.getMessage());

        assertEquals(GreaterSettings.defaults(), GreaterPreset.PAPER.settings());
        assertEquals(GreaterPreset.OFFICIAL_INITIAL_PROMPT, GreaterPreset.PAPER.initialPrompt());
        assertEquals(50, GreaterPreset.PAPER.trainSize());
        assertEquals(50, GreaterPreset.PAPER.testSize());
        GreaterSettings demo = GreaterPreset.DEMO.settings();
        assertEquals(GreaterSettings.defaults().toBuilder().steps(12).topK(12).selectionCandidates(8).maxReasoningTokens(100)
                .reasoningStop(ReasoningStop.EXTRACTOR).build(), demo);
        assertNotEquals(GreaterPreset.PAPER.initialPrompt(), GreaterPreset.DEMO.initialPrompt());
        assertTrue(GreaterPreset.DEMO.trainSize() < GreaterPreset.DEMO.testSize());
    }
}
