package greater.optimizer.greater;

import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.Tensor;
import greater.transformer.model.Transformer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each GReaTer stage on a tiny random model with a character-level format. */
class GreaterStagesTest {
    private final CharFormat format = new CharFormat();
    private final Transformer model = TinyModel.random(CharFormat.VOCAB, 3);
    private final TaskPreset preset = TinyModel.PRESET;
    private final List<Example> train = TinyModel.TRAIN;

    private GreaterSettings settings() {
        return GreaterSettings.builder().steps(3).topK(6).topQ(3).maxReasoningTokens(6).seed(11).build();
    }

    @Test
    void candidateSetIsUnionOfSubsetIntersectionsAndGrowsK() {
        // Three samples whose rankings share only a few tokens near the top.
        float[] a = new float[10], b = new float[10], c = new float[10];
        for (int i = 0; i < 10; i++) {
            a[i] = 10 - i;          // 0,1,2,...
            b[i] = i == 5 ? 20 : 10 - i;
            c[i] = i;               // 9,8,7,...
        }
        var s = GreaterSettings.builder().topK(2).topQ(4).build();
        int[] cands = CandidateProposal.propose(List.of(a, b, c), id -> id != 3, 7, s, new Random(1));
        // With k growing by 2 until at least 6 candidates survive the 3-way intersection (all
        // samples are in every subset here), the set is the top-k overlap plus the current token.
        assertTrue(Arrays.stream(cands).noneMatch(id -> id == 3), "disallowed token proposed");
        assertTrue(Arrays.stream(cands).anyMatch(id -> id == 7), "current token missing");
        assertTrue(cands.length >= 6, "fewer than the minimum: " + Arrays.toString(cands));
        // Rankings (3 excluded): a = 0 1 2 4 5 6 7 8 9, b = 5 0 1 2 4 6 7 8 9, c = 9 8 7 6 5 4 2 1 0.
        // k=2, 4: empty intersections; k=6: {4,5,6} (too few); k=8: {1,2,4,5,6,7,8}, enough.
        assertArrayEquals(new int[]{1, 2, 4, 5, 6, 7, 8}, cands);
    }

    @Test
    void oneHotGradientMatchesFiniteDifferencesOfEmbeddingMixtures() {
        GreaterSettings s = settings();
        List<SampleLayout> layouts = new ArrayList<>();
        for (Example e : train) layouts.add(format.layout(e, preset.extractor()));
        List<Sample> samples = Sample.prepare(model, layouts, ExecutionSettings.defaults());
        int[] prompt = format.encodePrompt("think step");
        Reasoning reasoning = Reasoning.generate(model, samples, prompt, null,
                greater.transformer.infer.GenerationOptions.greedy(5, format.stopIds()), s, ExecutionSettings.defaults()).reasoning();
        int position = 3;
        int[] candidates = {prompt[position], 0, 4, 11, 26};
        for (ExecutionSettings exec : List.of(ExecutionSettings.defaults(), new ExecutionSettings(1, false, false, false))) {
            List<PromptPosition> positions = PromptPosition.compute(model, samples, prompt, position, s, exec);
            GradientOverReasoning.Result r = GradientOverReasoning.compute(model, positions, reasoning, prompt, candidates, s, exec);

            // Numeric: d loss / d w_c at w = onehot(current), where e_i = Σ_c w_c E_c.
            List<PromptPosition> fromPrefix = PromptPosition.compute(model, samples, prompt, 0, s, exec);
            double h = 1e-2;
            double[] numeric = new double[candidates.length];
            for (int c = 0; c < candidates.length; c++) {
                for (int k = 0; k < samples.size(); k++) {
                    int[] rk = reasoning.samples().get(k);
                    numeric[c] += (mixtureLoss(fromPrefix.get(k), prompt, rk, position, candidates[c], h, s)
                            - mixtureLoss(fromPrefix.get(k), prompt, rk, position, candidates[c], -h, s)) / (2 * h);
                }
            }
            double norm = Math.sqrt(Arrays.stream(numeric).map(v -> v * v).sum());
            for (int c = 0; c < candidates.length; c++) {
                assertEquals(numeric[c] / norm, r.gradient()[c], 2e-2, "candidate " + c + " one-hot gradient, " + exec);
            }
        }
    }

    /** A sample's loss with e_i = E_current + delta · E_candidate, from its prefix cache (a mixture one-hot + δ e_c). */
    private double mixtureLoss(PromptPosition p, int[] prompt, int[] reasoning, int position, int candidate, double delta, GreaterSettings s) {
        SampleLayout layout = p.sample().layout;
        int[] u = Sample.concat(Sample.concat(prompt, layout.suffix()), Sample.concat(reasoning, layout.target())); // after the prefix
        int hidden = model.config().hiddenSize();
        float[] x = model.embed(u).data();
        float[] add = model.embed(new int[]{candidate}).data();
        for (int j = 0; j < hidden; j++) x[position * hidden + j] += (float) delta * add[j];
        var cache = model.newCache(p.cached() + u.length);
        cache.copyFrom(p.cache());
        Tensor hs = model.hiddenStates(Tensor.of(x, u.length, hidden), cache);
        return greater.transformer.grad.ContinuationLoss.of(model, hs, GradientOverReasoning.spans(p, prompt, reasoning, s)).total().getFloat(0);
    }

    @Test
    void selectionKeepsTheLowestScoreAndTheScheduleAdvances() {
        GreaterOptimizer opt = new GreaterOptimizer(model, format, preset, train, settings());
        RunState state = opt.start("ab");
        RunState after = opt.step(state, new GreaterListener() {
        });
        StepRecord rec = after.history().getFirst();
        float min = (float) rec.selected().stream().mapToDouble(StepRecord.Scored::score).min().orElseThrow();
        assertEquals(min, rec.scores().score(), "chosen candidate must have the lowest selection score");
        // Ties go to the later candidate.
        StepRecord.Scored lastMin = rec.selected().stream().filter(x -> x.score() == min).reduce((p, q) -> q).orElseThrow();
        assertEquals(lastMin.id(), rec.choice().chosenId());
        assertEquals(1, after.position());
        assertEquals(rec.choice().chosenId(), after.prompt()[0]);
        assertEquals(3, after.prompt().length, "prompt ' ab' keeps its length until the last position is passed");
    }

    @Test
    void sameSeedSameRunAndResumeMatches() {
        GreaterSettings s = settings().toBuilder().steps(4).build();
        RunState full = new GreaterOptimizer(model, format, preset, train, s).run(
                new GreaterOptimizer(model, format, preset, train, s).start("a b"), new GreaterListener() {
                });
        GreaterOptimizer first = new GreaterOptimizer(model, format, preset, train, s.toBuilder().steps(2).build());
        RunState half = first.run(first.start("a b"), new GreaterListener() {
        });
        GreaterOptimizer second = new GreaterOptimizer(model, format, preset, train, s);
        RunState resumed = second.run(half, new GreaterListener() {
        });
        assertArrayEquals(full.prompt(), resumed.prompt());
        assertEquals(full.history().size(), resumed.history().size());
        for (int i = 0; i < full.history().size(); i++) {
            assertEquals(full.history().get(i).choice(), resumed.history().get(i).choice(), "step " + i);
            assertEquals(full.history().get(i).scores().score(), resumed.history().get(i).scores().score(), "step " + i);
        }
    }
}
