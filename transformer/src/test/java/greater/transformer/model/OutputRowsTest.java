package greater.transformer.model;

import greater.tensor.Tensor;
import greater.transformer.LanguageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hidden states of only the last rows of each sequence ({@link Transformer#hiddenStates(Tensor,
 * Packing, int[])}: the last layer carries on those rows alone) must be the full pass's rows up to
 * rounding, and leave the KV caches bitwise as the full pass does: packed sequences with and
 * without caches, one asking for none of its rows and one for all of them, over every family's
 * switches (sliding windows, q/k norms, partial rotary, sandwich and post norms, multipliers).
 */
class OutputRowsTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_bias", "gemma", "gemma2", "gemma3", "qwen2", "qwen3", "phi3", "granite", "olmo2",
            "mistral", "smollm3"})
    void theLastRowsEqualTheFullPassAndTheCachesAreTheSame(String name) {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            int vocab = model.config().vocabSize(), hidden = model.config().hiddenSize();
            Random rnd = new Random(3);
            int[] lengths = {7, 12, 5, 9}, wanted = {1, 0, 5, 3};
            int[] past = rnd.ints(6, 0, vocab).toArray(), ids = rnd.ints(Arrays.stream(lengths).sum(), 0, vocab).toArray();
            KvCache[][] caches = new KvCache[2][];
            Tensor[] h = new Tensor[2];
            for (int run = 0; run < 2; run++) {
                KvCache first = model.newCache(past.length + lengths[0]), last = model.newCache(lengths[3]);
                model.forward(model.embed(past), first, false);
                caches[run] = new KvCache[]{first, null, null, last};
                h[run] = model.hiddenStates(model.embed(ids), new Packing(lengths, caches[run]), run == 0 ? null : wanted);
            }
            float[] full = h[0].data(), some = h[1].data();
            assertEquals(Arrays.stream(wanted).sum() * hidden, some.length, name + ": rows returned");
            double scale = 0, worst = 0;
            for (float f : full) scale = Math.max(scale, Math.abs(f));
            for (int s = 0, from = 0, at = 0; s < lengths.length; from += lengths[s], s++) {
                for (int r = lengths[s] - wanted[s]; r < lengths[s]; r++, at++) {
                    for (int c = 0; c < hidden; c++) worst = Math.max(worst, Math.abs(full[(from + r) * hidden + c] - some[at * hidden + c]));
                }
            }
            assertTrue(worst <= 1e-5 * scale, name + ": largest difference " + worst + " of " + scale);
            for (int s : new int[]{0, 3}) {
                for (int l = 0; l < model.config().layers(); l++) {
                    assertArrayEquals(caches[0][s].keys(l), caches[1][s].keys(l), name + ": keys of layer " + l);
                    assertArrayEquals(caches[0][s].values(l), caches[1][s].values(l), name + ": values of layer " + l);
                }
            }
        }
    }

    @Test
    void aPrefillsLastRowLogitsEqualTheFullPasss() {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve("llama"))) {
            Transformer model = lm.transformer();
            int[] ids = new Random(5).ints(30, 0, model.config().vocabSize()).toArray();
            float[] all = model.forward(model.embed(ids), model.newCache(30), true).data();
            float[] last = model.forward(model.embed(ids), model.newCache(30), false).data();
            int vocab = model.config().vocabSize();
            float[] expected = Arrays.copyOfRange(all, all.length - vocab, all.length);
            for (int i = 0; i < vocab; i++) assertEquals(expected[i], last[i], 1e-5f * (1 + Math.abs(expected[i])), "logit " + i);
        }
    }

    @Test
    void outputRowsMustFitTheirSequences() {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve("llama"))) {
            Transformer model = lm.transformer();
            Tensor x = model.embed(new int[]{1, 2, 3});
            Packing packing = new Packing(new int[]{3}, new KvCache[]{null});
            assertThrows(IllegalArgumentException.class, () -> model.hiddenStates(x, packing, new int[]{4}));
            assertThrows(IllegalArgumentException.class, () -> model.hiddenStates(x, packing, new int[]{-1}));
            assertThrows(IllegalArgumentException.class, () -> model.hiddenStates(x, packing, new int[]{1, 1}));
        }
    }
}
