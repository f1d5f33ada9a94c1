package greater.transformer.model;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.Add;
import greater.tensor.ops.CrossEntropyLoss;
import greater.tensor.ops.Rows;
import greater.transformer.LanguageModel;
import greater.transformer.grad.InputGradient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Consecutive gradient passes on one thread share the tape's memory (the second takes the first's
 * activation and gradient arrays, stale contents and all); the second must give bitwise what the
 * same pass gives on a thread with an empty pool, and the logits the first returned must stay as
 * they were: one sequence through {@link InputGradient}, and a packed pass over a KV cache.
 */
class GradientPassReuseTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma2", "qwen3", "phi3", "granite"})
    void aGradientPassAfterAnotherEqualsOneOnAFreshThread(String name) throws Exception {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            int vocab = model.config().vocabSize();
            int[] a = new int[40], b = new int[40];
            for (int i = 0; i < a.length; i++) {
                a[i] = (i * 13 + 5) % vocab;
                b[i] = (i * 29 + 2) % vocab;
            }
            List<Object> warm = onNewThread(() -> {
                InputGradient.Result first = InputGradient.nextTokenLoss(model, a);
                float[] firstLogits = first.logits().data().clone();
                InputGradient.Result second = InputGradient.nextTokenLoss(model, b);
                return List.of(first, firstLogits, second);
            });
            InputGradient.Result fresh = onNewThread(() -> InputGradient.nextTokenLoss(model, b));
            InputGradient.Result first = (InputGradient.Result) warm.get(0), second = (InputGradient.Result) warm.get(2);
            assertArrayEquals((float[]) warm.get(1), first.logits().data(), name + ": the first pass's logits changed");
            assertEquals(fresh.loss(), second.loss(), name + ": loss");
            assertArrayEquals(fresh.logits().data(), second.logits().data(), name + ": logits");
            assertArrayEquals(fresh.inputEmbedsGrad().data(), second.inputEmbedsGrad().data(), name + ": input gradient");
            // without the copy of the logits (greater bench): the same loss and gradient, no logits
            InputGradient.Result bare = onNewThread(() -> InputGradient.nextTokenLoss(model, b, false));
            assertNull(bare.logits(), name + ": logits not kept");
            assertEquals(fresh.loss(), bare.loss(), name + ": loss without the logits");
            assertArrayEquals(fresh.inputEmbedsGrad().data(), bare.inputEmbedsGrad().data(), name + ": gradient without the logits");
        }
    }

    /**
     * GReaTer's shape of a pass: two sequences packed in one forward, one continuing a KV cache,
     * each with its own loss over a slice of the hidden states (Rows.slice, the head, cross-entropy).
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen3", "gemma3"})
    void aPackedPassOverCachesAfterAnotherEqualsOneOnAFreshThread(String name) throws Exception {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            int vocab = model.config().vocabSize();
            float[][] first = onNewThread(() -> {
                packedPass(model, vocab, 1);
                return packedPass(model, vocab, 2);
            });
            float[][] fresh = onNewThread(() -> packedPass(model, vocab, 2));
            assertArrayEquals(fresh[0], first[0], name + ": loss");
            assertArrayEquals(fresh[1], first[1], name + ": input gradient");
        }
    }

    /** The loss and the input gradient of a packed pass over ids drawn from {@code seed}. */
    private static float[][] packedPass(Transformer model, int vocab, int seed) {
        int[] past = ids(vocab, 5, seed), a = ids(vocab, 20, seed + 10), b = ids(vocab, 30, seed + 20);
        KvCache cache = model.newCache(past.length + a.length);
        model.forward(model.embed(past), cache, false);
        int[] all = new int[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Tensor x = Tensor.of(model.embed(all).toFloatArray(), all.length, model.config().hiddenSize()).requiresGrad(true);
        float loss;
        try (Tape tape = Tape.record()) {
            Tensor h = model.hiddenStates(x, new Packing(new int[]{a.length, b.length}, new KvCache[]{cache, null}));
            Tensor la = CrossEntropyLoss.apply(model.head(Rows.slice(h, 0, a.length)), next(a));
            Tensor lb = CrossEntropyLoss.apply(model.head(Rows.slice(h, a.length, all.length)), next(b));
            Tensor sum = Add.apply(la, lb);
            tape.backward(sum);
            loss = sum.getFloat(0);
        }
        return new float[][]{{loss}, x.grad().clone()};
    }

    private static int[] ids(int vocab, int n, int seed) {
        return new java.util.Random(seed).ints(n, 0, vocab).toArray();
    }

    private static int[] next(int[] ids) {
        int[] t = new int[ids.length];
        for (int i = 0; i < ids.length; i++) t[i] = i + 1 < ids.length ? ids[i + 1] : -1;
        return t;
    }

    private static <R> R onNewThread(Supplier<R> body) throws Exception {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).get();
    }
}
