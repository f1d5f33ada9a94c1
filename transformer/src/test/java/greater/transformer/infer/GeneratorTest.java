package greater.transformer.infer;

import greater.transformer.LanguageModel;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-sequence generation against one sequence at a time: continuous batching under any token
 * budget, sampled generation, a shared prefix, chained stages and draft verification must all
 * give every sequence the tokens it gets alone.
 */
class GeneratorTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final int[][] PROMPTS = {{5, 17, 3}, {9}, {40, 7, 7, 2, 11, 30}, {3, 3}, {8, 1, 2, 4}, {12, 12, 6}};

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma2"})
    void batchedGreedyAndSampledEqualEachAlone(String name) {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            // A stop id that some continuations hit, so sequences leave the batch at different passes.
            int stop = new Generator(model).generate(PROMPTS[0], GenerationOptions.greedy(3, Set.of()))[2];
            for (GenerationOptions options : List.of(GenerationOptions.greedy(9, Set.of(stop)),
                    new GenerationOptions(9, 0.8f, 0.9f, 7L, Set.of(stop)))) {
                List<int[]> alone = new ArrayList<>();
                for (int[] p : PROMPTS) alone.add(new Generator(model).generate(p, options));
                for (int budget : new int[]{1, 25, 40, 10_000}) {
                    List<Request> requests = new ArrayList<>();
                    for (int[] p : PROMPTS) requests.add(Request.fromPrefix(null, p.length + 9, Stage.generate(p, options), null));
                    List<List<StageResult>> got = new Generator(model, budget).generate(requests);
                    for (int i = 0; i < PROMPTS.length; i++) {
                        assertArrayEquals(alone.get(i), got.get(i).getFirst().tokens(),
                                name + " budget " + budget + " temperature " + options.temperature() + " sequence " + i);
                    }
                }
            }
        }
    }

    @Test
    void sequencesDeferredByTheRowsPerPassCapGetTheirOwnTokens() {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve("llama"))) {
            Transformer model = lm.transformer();
            GenerationOptions options = GenerationOptions.greedy(5, Set.of());
            List<Request> requests = new ArrayList<>();
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int[] p = new int[25 + i];
                for (int j = 0; j < p.length; j++) p[j] = (7 * i + 3 * j) % 50 + 1;
                prompts.add(p);
                requests.add(Request.fromPrefix(null, p.length + 5, Stage.generate(p, options), null));
            }
            // budget 500 holds all six, but a pass takes at most 64 prefill rows: most join later
            List<List<StageResult>> got = new Generator(model, 500).generate(requests);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(new Generator(model).generate(prompts.get(i), options), got.get(i).getFirst().tokens(), "sequence " + i);
            }
        }
    }

    @Test
    void sharedPrefixStagesAndKeptLogitsMatchAFullForward() {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve("llama"))) {
            Transformer model = lm.transformer();
            int[] prefix = {5, 17, 3, 9};
            KvCache shared = model.newCache(prefix.length);
            model.forward(model.embed(prefix), shared, false);
            int[][] suffixes = {{11, 2}, {40}, {7, 7, 7}};
            int[] then = {2, 4, 6};
            GenerationOptions options = GenerationOptions.greedy(5, Set.of());
            List<Request> requests = new ArrayList<>();
            for (int[] suffix : suffixes) {
                requests.add(Request.fromPrefix(shared, 32, new Stage(suffix, 0, suffix.length, List.of(), options, null),
                        done -> done.index() > 0 ? null : Stage.score(concat(done.unfed(Set.of()), then), 0, done.unfed(Set.of()).length + then.length)));
            }
            List<List<StageResult>> got = new Generator(model, 40).generate(requests);
            int vocab = model.config().vocabSize();
            for (int i = 0; i < suffixes.length; i++) {
                int[] gen = got.get(i).get(0).tokens();
                assertArrayEquals(new Generator(model).generate(concat(prefix, suffixes[i]), options), gen, "sequence " + i);
                // The kept logits equal a full forward of prefix ⊕ suffix ⊕ generated ⊕ then.
                int[] all = concat(concat(prefix, suffixes[i]), concat(gen, then));
                float[] full = model.logits(all).data();
                float[] first = got.get(i).get(0).logits().data();
                float[] second = got.get(i).get(1).logits().data();
                float[] wantFirst = Arrays.copyOfRange(full, prefix.length * vocab, (prefix.length + suffixes[i].length) * vocab);
                int from = prefix.length + suffixes[i].length + gen.length - 1;
                float[] wantSecond = Arrays.copyOfRange(full, from * vocab, all.length * vocab);
                assertTrue(maxRelative(first, wantFirst) < 1e-5, "input logits " + maxRelative(first, wantFirst));
                assertTrue(maxRelative(second, wantSecond) < 1e-5, "follow-up logits " + maxRelative(second, wantSecond));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void draftVerificationGivesTheGreedyTokensAndCountsAcceptance(String name) {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            GenerationOptions options = GenerationOptions.greedy(8, Set.of());
            for (int[] p : PROMPTS) {
                int[] truth = new Generator(model).generate(p, options);
                int[] wrongAt3 = truth.clone();
                wrongAt3[3] = (truth[3] + 1) % model.config().vocabSize();
                int[][] drafts = {truth, Arrays.copyOf(truth, 4), wrongAt3, {}, Arrays.copyOf(truth, 20)};
                int[] expectAccepted = {7, 4, 3, 0, 7};
                for (int d = 0; d < drafts.length; d++) {
                    Request r = Request.fromPrefix(null, p.length + 8, new Stage(p, 0, 0, List.of(), options, drafts[d]), null);
                    StageResult got = new Generator(model).generate(List.of(r)).getFirst().getFirst();
                    assertArrayEquals(truth, got.tokens(), name + " draft " + d);
                    assertEquals(expectAccepted[d], got.accepted(), name + " accepted of draft " + d);
                }
            }
        }
    }

    /** Drafts longer than the first window are verified window by window (16, then 32 tokens) with the same tokens. */
    @Test
    void longDraftsAreVerifiedInGrowingWindows() {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve("llama"))) {
            Transformer model = lm.transformer();
            int max = 40;
            GenerationOptions options = GenerationOptions.greedy(max, Set.of());
            int[] p = PROMPTS[0];
            int[] truth = new Generator(model).generate(p, options);
            assertEquals(max, truth.length);
            int[] wrongAt20 = truth.clone();
            wrongAt20[20] = (truth[20] + 1) % model.config().vocabSize();
            int[] wrongAt16 = truth.clone();
            wrongAt16[16] = (truth[16] + 1) % model.config().vocabSize();
            // window 1 feeds draft[0, 16) with the input; out[16] comes from its last row, and the
            // next window feeds out[16] with draft[17, 39) when out[16] equals draft[16].
            int[][] drafts = {truth, wrongAt20, wrongAt16, Arrays.copyOf(truth, 10)};
            int[] expectAccepted = {16 + 22, 16 + 3, 16, 10};
            int[] expectDrafted = {16 + 22, 16 + 22, 16, 10};
            for (int d = 0; d < drafts.length; d++) {
                Request r = Request.fromPrefix(null, p.length + max, new Stage(p, 0, 0, List.of(), options, drafts[d]), null);
                // alone and beside a plain decoding sequence, so windows share passes with one-row decodes
                Request other = Request.fromPrefix(null, PROMPTS[1].length + max, Stage.generate(PROMPTS[1], options), null);
                for (List<Request> batch : List.of(List.of(r), List.of(other, r))) {
                    StageResult got = new Generator(model).generate(batch).getLast().getFirst();
                    assertArrayEquals(truth, got.tokens(), "draft " + d);
                    assertEquals(expectAccepted[d], got.accepted(), "accepted of draft " + d);
                    assertEquals(expectDrafted[d], got.drafted(), "fed of draft " + d);
                }
            }
        }
    }

    /**
     * A stop text ends generation before it, batched or alone, with or without a draft, and the
     * cache then holds exactly the kept tokens: a following stage sees prompt ⊕ kept.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void stopTextCutsBeforeItAlikeOnEveryPathAndLeavesTheCacheAtTheCut(String name) {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            java.util.function.Function<int[], String> decode = ids -> {
                StringBuilder sb = new StringBuilder();
                for (int id : ids) sb.append('<').append(id).append('>');
                return sb.toString();
            };
            int[] then = {3, 1, 4};
            int vocab = model.config().vocabSize();
            int cuts = 0;
            for (int[] p : PROMPTS) {
                int[] truth = new Generator(model).generate(p, GenerationOptions.greedy(12, Set.of()));
                // Stop at the text of tokens 5-6: the first place those two tokens occur is where it cuts.
                int[] stopAt = Arrays.copyOfRange(truth, 5, 7);
                int first = 0;
                while (truth[first] != stopAt[0] || truth[first + 1] != stopAt[1]) first++;
                GenerationOptions options = GenerationOptions.greedy(12, Set.of())
                        .withStopStrings(new StopStrings(List.of(decode.apply(stopAt)), decode));
                int[] kept = Arrays.copyOf(truth, first);
                cuts += first;
                assertArrayEquals(kept, new Generator(model).generate(p, options), name + " alone");
                for (int[] draft : new int[][]{null, truth, kept}) {
                    for (int budget : new int[]{1, 10_000}) {
                        Request r = Request.fromPrefix(null, p.length + 12 + then.length + 1, new Stage(p, 0, 0, List.of(), options, draft),
                                done -> done.index() > 0 ? null
                                        : Stage.score(concat(done.unfed(Set.of()), then), 0, done.unfed(Set.of()).length + then.length));
                        List<StageResult> got = new Generator(model, budget).generate(List.of(r, r)).getFirst();
                        String what = name + " draft " + (draft == null ? "none" : draft.length) + " budget " + budget;
                        assertArrayEquals(kept, got.get(0).tokens(), what);
                        int[] all = concat(concat(p, kept), then);
                        float[] full = model.logits(all).data();
                        int from = p.length + kept.length - (kept.length > 0 ? 1 : 0);
                        float[] want = Arrays.copyOfRange(full, from * vocab, all.length * vocab);
                        assertTrue(maxRelative(got.get(1).logits().data(), want) < 1e-5, what + ": the next stage starts at the cut");
                    }
                }
            }
            assertTrue(cuts > 0, "some stop text should occur after the first token");
        }
    }

    @Test
    void emptyInputThatMustGenerateIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Stage.generate(new int[0], GenerationOptions.greedy(2, Set.of())));
    }

    private static double maxRelative(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double m = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return m / scale;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
