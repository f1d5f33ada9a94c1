package greater.optimizer.greater;

import greater.tensor.UserInputException;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.model.Transformer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ranking rules and search schedules on a tiny random model: each decides deterministically for a seed. */
class SearchVariantsTest {
    private final CharFormat format = new CharFormat();
    private final Transformer model = TinyModel.random(CharFormat.VOCAB, 3);
    private final TaskPreset preset = TinyModel.PRESET;
    private final List<Example> train = TinyModel.TRAIN;

    private GreaterSettings settings() {
        return GreaterSettings.builder().steps(5).topK(6).topQ(3).maxReasoningTokens(6).seed(11).build();
    }

    private RunState run(GreaterSettings s, String init) {
        GreaterOptimizer opt = new GreaterOptimizer(model, format, preset, train, s);
        return opt.run(opt.start(init), new GreaterListener() {
        });
    }

    @Test
    void everyRankingAndScheduleDecidesTheSameTwiceForOneSeed() {
        for (CandidateRanking ranking : CandidateRanking.values()) {
            for (SearchSchedule search : SearchSchedule.values()) {
                GreaterSettings s = settings().toBuilder().ranking(ranking).search(search).build();
                RunState a = run(s, "ab."), b = run(s, "ab.");
                String what = ranking + "/" + search;
                assertEquals(5, a.history().size(), what);
                for (int i = 0; i < a.history().size(); i++) {
                    StepRecord x = a.history().get(i), y = b.history().get(i);
                    assertEquals(x.candidates().stream().map(StepRecord.Candidate::id).toList(),
                            y.candidates().stream().map(StepRecord.Candidate::id).toList(), what + " step " + i + " order");
                    assertEquals(x.choice().chosenId(), y.choice().chosenId(), what + " step " + i + " choice");
                    assertEquals(x.choice().prompt(), y.choice().prompt(), what + " step " + i);
                    assertEquals(ranking.label(), x.variant().ranking());
                    assertEquals(search.label(), x.variant().search());
                }
                assertArrayEquals(a.prompt(), b.prompt(), what);
            }
        }
    }

    @Test
    void gradientAndLossOrdersAscendAndRandomOrderIsAPermutationThatDependsOnTheSeed() {
        RunState g = run(settings().toBuilder().steps(2).build(), "ab.");
        RunState l = run(settings().toBuilder().steps(2).ranking(CandidateRanking.LOSS).build(), "ab.");
        for (StepRecord r : g.history()) {
            assertAscending(r.candidates().stream().mapToDouble(StepRecord.Candidate::gradient).toArray(), "gradient");
            assertTrue(r.candidates().stream().allMatch(c -> Float.isNaN(c.exactLoss())), "GRADIENT computes no exact loss");
            assertTrue(Double.isNaN(r.variant().rankCorrelation()));
        }
        for (StepRecord r : l.history()) {
            assertAscending(r.candidates().stream().mapToDouble(StepRecord.Candidate::exactLoss).toArray(), "exact loss");
            double rho = r.variant().rankCorrelation();
            assertTrue(rho >= -1 && rho <= 1, "ρ = " + rho);
        }

        // RANDOM: same seed and step, same order; over steps and seeds, not the gradient's order every time.
        boolean differs = false;
        for (long seed : new long[]{1, 2, 3}) {
            RunState r1 = run(settings().toBuilder().steps(3).seed(seed).ranking(CandidateRanking.RANDOM).build(), "ab.");
            RunState r2 = run(settings().toBuilder().steps(3).seed(seed).ranking(CandidateRanking.RANDOM).build(), "ab.");
            RunState gr = run(settings().toBuilder().steps(3).seed(seed).build(), "ab.");
            for (int i = 0; i < 3; i++) {
                List<Integer> order = r1.history().get(i).candidates().stream().map(StepRecord.Candidate::id).toList();
                assertEquals(order, r2.history().get(i).candidates().stream().map(StepRecord.Candidate::id).toList());
                assertTrue(r1.history().get(i).candidates().stream().allMatch(c -> Float.isNaN(c.gradient())), "RANDOM computes no gradient");
                List<Integer> sorted = new ArrayList<>(order);
                sorted.sort(null);
                assertEquals(sorted.size(), sorted.stream().distinct().count(), "a permutation");
                if (i == 0) differs |= !order.equals(gr.history().get(0).candidates().stream().map(StepRecord.Candidate::id).toList());
            }
        }
        assertTrue(differs, "the random order never differed from the gradient order");
    }

    @Test
    void exactLossOfTheCurrentTokenIsTheGradientPassLoss() {
        GreaterSettings s = settings();
        List<SampleLayout> layouts = new ArrayList<>();
        for (Example e : train) layouts.add(format.layout(e, preset.extractor()));
        ExecutionSettings exec = ExecutionSettings.defaults();
        List<Sample> samples = Sample.prepare(model, layouts, exec);
        int[] prompt = format.encodePrompt("think step");
        Reasoning reasoning = Reasoning.generate(model, samples, prompt, null, GenerationOptions.greedy(5, format.stopIds()), s, exec).reasoning();
        int position = 3;
        List<PromptPosition> positions = PromptPosition.compute(model, samples, prompt, position, s, exec);
        int[] candidates = {prompt[position], 0, 4, 11, 26};
        float[] exact = CandidateRanking.exactLosses(model, positions, reasoning, prompt, candidates, s);
        GradientOverReasoning.Result g = GradientOverReasoning.compute(model, positions, reasoning, prompt, candidates, s, exec);
        assertEquals(g.meanLoss(), exact[0], 1e-4, "the current token's exact loss is the loss the gradient is taken at");
        assertNotEquals(exact[0], exact[1]);
    }

    /**
     * EXTRACTOR on the tiny model: with a one-letter stem the reasoning is the end-of-turn
     * reasoning cut before that letter's first occurrence (trailing spaces dropped), and a run
     * decides the same twice and on the sequential path (no batching, reuse or drafts).
     */
    @Test
    void extractorStopCutsTheTinyModelsReasoningAndEveryPathDecidesAlike() {
        GreaterSettings s = settings().toBuilder().maxReasoningTokens(12).build();
        ExecutionSettings exec = ExecutionSettings.defaults();
        List<SampleLayout> layouts = new ArrayList<>();
        for (Example e : train) layouts.add(format.layout(e, preset.extractor()));
        List<Sample> samples = Sample.prepare(model, layouts, exec);
        int[] prompt = format.encodePrompt("ab.");
        List<int[]> whole = Reasoning.generate(model, samples, prompt, null, ReasoningStop.END_OF_TURN.options(12, format, preset.extractor()),
                s, exec).reasoning().samples();
        // a letter some reasoning writes after its first token: the stem of an extractor "<letter> $"
        int letter = -1;
        for (int[] r : whole) for (int j = 1; j < r.length && letter < 0; j++) if (r[j] < 26) letter = r[j];
        assertTrue(letter >= 0, "the tiny model writes letters");
        TaskPreset stopAt = new TaskPreset("t", CharFormat.CHARS.charAt(letter) + " $", preset.format());
        List<int[]> cut = Reasoning.generate(model, samples, prompt, null, ReasoningStop.EXTRACTOR.options(12, format, stopAt.extractor()),
                s, exec).reasoning().samples();
        int space = CharFormat.CHARS.indexOf(' '), shorter = 0;
        for (int k = 0; k < whole.size(); k++) {
            int[] r = whole.get(k);
            int end = 0;
            while (end < r.length && r[end] != letter) end++;
            if (end < r.length) {
                while (end > 0 && r[end - 1] == space) end--;
                shorter++;
            }
            assertArrayEquals(Arrays.copyOf(r, end), cut.get(k), "sample " + k);
        }
        assertTrue(shorter > 0);

        GreaterSettings ext = s.toBuilder().reasoningStop(ReasoningStop.EXTRACTOR).build();
        List<RunState> runs = new ArrayList<>();
        for (ExecutionSettings e : List.of(exec, exec, new ExecutionSettings(1, false, false, false))) {
            GreaterOptimizer opt = new GreaterOptimizer(model, format, stopAt, train, ext, e);
            runs.add(opt.run(opt.start("ab."), new GreaterListener() {
            }));
        }
        for (RunState r : runs.subList(1, runs.size())) {
            for (int i = 0; i < runs.getFirst().history().size(); i++) {
                StepRecord x = runs.getFirst().history().get(i), y = r.history().get(i);
                assertEquals(x.candidates().stream().map(StepRecord.Candidate::id).toList(),
                        y.candidates().stream().map(StepRecord.Candidate::id).toList(), "step " + i + " order");
                assertEquals(x.choice().chosenId(), y.choice().chosenId(), "step " + i);
                assertEquals(x.scores().score(), y.scores().score(), 1e-5, "step " + i);
            }
            assertArrayEquals(runs.getFirst().prompt(), r.prompt());
        }
    }

    @Test
    void hillClimbNeverKeepsAWorseScoreNorGrowsThePrompt() {
        GreaterSettings s = settings().toBuilder().steps(8).search(SearchSchedule.HILL_CLIMB).build();
        GreaterOptimizer opt = new GreaterOptimizer(model, format, preset, train, s);
        RunState state = opt.start("ab");
        float current = state.initialScore();
        int length = state.prompt().length;
        for (int k = 0; k < 8; k++) {
            state = opt.step(state, new GreaterListener() {
            });
            StepRecord r = state.history().getLast();
            assertTrue(r.scores().score() <= current, "step " + k + ": " + r.scores().score() + " > " + current);
            current = r.scores().score();
            assertEquals(length, state.prompt().length, "hill climbing revisits positions instead of growing");
            assertEquals(current, state.bestScore(), "the kept prompt is the best so far");
            assertEquals(r.choice().prompt(), format.decodePrompt(state.prompt()));
        }
        assertEquals(8 % length, state.position(), "positions cycle");
    }

    @Test
    void officialScheduleGrowsByAFillerUnlessASentenceEnds() {
        int filler = 99;
        var grow = SearchSchedule.OFFICIAL.next(new int[]{5, 6}, 1, " word", filler);
        assertArrayEquals(new int[]{5, 6, filler}, grow.prompt());
        assertEquals(2, grow.position());
        var wrap = SearchSchedule.OFFICIAL.next(new int[]{5, 6}, 1, ".", filler);
        assertEquals(0, wrap.position());
        assertTrue(wrap.wrapped());
        var hill = SearchSchedule.HILL_CLIMB.next(new int[]{5, 6}, 1, " word", filler);
        assertArrayEquals(new int[]{5, 6}, hill.prompt());
        assertEquals(0, hill.position());
        var inside = SearchSchedule.HILL_CLIMB.next(new int[]{5, 6}, 0, " word", filler);
        assertEquals(1, inside.position());
        assertTrue(SearchSchedule.OFFICIAL.takesSentenceEndAtOnce(".", 2, 4));
        assertTrue(!SearchSchedule.OFFICIAL.takesSentenceEndAtOnce(".", 1, 4));
        assertTrue(!SearchSchedule.HILL_CLIMB.takesSentenceEndAtOnce(".", 2, 4));
    }

    @Test
    void spearmanOfKnownOrders() {
        assertEquals(1.0, RankCorrelation.spearman(new float[]{1, 2, 3, 4}, new float[]{10, 20, 30, 40}), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(new float[]{1, 2, 3, 4}, new float[]{4, 3, 2, 1}), 1e-12);
        // Ties share the mean rank: ranks (1.5, 1.5, 3) and (1, 2, 3) → ρ = √3/2.
        assertEquals(Math.sqrt(3) / 2, RankCorrelation.spearman(new float[]{1, 1, 2}, new float[]{1, 2, 3}), 1e-12);
        assertArrayEquals(new double[]{3, 1.5, 1.5}, RankCorrelation.ranks(new float[]{7, 2, 2}));
        assertTrue(Double.isNaN(RankCorrelation.spearman(new float[]{1, 1}, new float[]{1, 2})));
        assertTrue(Double.isNaN(RankCorrelation.spearman(new float[]{1}, new float[]{1})));
    }

    @Test
    void labelsParseAndBadOnesNameTheChoices() {
        for (CandidateRanking r : CandidateRanking.values()) assertEquals(r, CandidateRanking.parse(r.label().toUpperCase()));
        for (SearchSchedule s : SearchSchedule.values()) assertEquals(s, SearchSchedule.parse(s.label()));
        assertEquals("hill-climb", SearchSchedule.HILL_CLIMB.label());
        var e = assertThrows(UserInputException.class, () -> CandidateRanking.parse("best"));
        assertTrue(e.getMessage().contains("gradient, random or loss"), e.getMessage());
        assertThrows(UserInputException.class, () -> SearchSchedule.parse("beam"));
    }

    private static void assertAscending(double[] v, String what) {
        for (int i = 1; i < v.length; i++) assertTrue(v[i - 1] <= v[i], what + " not ascending: " + Arrays.toString(v));
    }
}
