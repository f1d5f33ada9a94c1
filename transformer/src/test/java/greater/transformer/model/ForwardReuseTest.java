package greater.transformer.model;

import greater.tensor.Tensor;
import greater.transformer.LanguageModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Inference passes on one thread cycle their activations through the thread's pool
 * ({@code ActivationArena}: each layer's arrays go back once the layer is done, with their contents),
 * so every op must write all of its output and nothing a pass returns may be lent again: a pass
 * after others must give bitwise what the same pass gives on a fresh thread, and the results of
 * the earlier passes (logits, and the hidden states GReaTer's passes keep) must stay as they were.
 * Whole-sequence logits, and a prefill followed by single-token steps over a KV cache.
 */
class ForwardReuseTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma2", "gemma3", "qwen3", "phi3", "granite", "olmo2"})
    void aForwardAfterOthersEqualsOneOnAFreshThreadAndLeavesTheirResultsAlone(String name) throws Exception {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            int vocab = model.config().vocabSize();
            int[] a = ids(vocab, 40, 1), b = ids(vocab, 33, 2);
            List<float[]> warm = onNewThread(() -> {
                List<float[]> out = new ArrayList<>();
                Tensor first = model.logits(a), hidden = model.hiddenStates(model.embed(a), (KvCache) null);
                float[] firstCopy = first.data().clone(), hiddenCopy = hidden.data().clone();
                out.addAll(decode(model, b));
                out.add(model.logits(b).data());
                out.add(first.data());
                out.add(firstCopy);
                out.add(model.logits(a).data());
                out.add(hidden.data());
                out.add(hiddenCopy);
                return out;
            });
            List<float[]> fresh = onNewThread(() -> {
                List<float[]> out = new ArrayList<>(decode(model, b));
                out.add(model.logits(b).data());
                return out;
            });
            int n = fresh.size();
            for (int i = 0; i < n; i++) assertArrayEquals(fresh.get(i), warm.get(i), name + ": result " + i + " after other passes");
            assertArrayEquals(warm.get(n + 1), warm.get(n), name + ": the first pass's logits changed");
            assertArrayEquals(warm.get(n + 1), warm.get(n + 2), name + ": the same pass again");
            assertArrayEquals(warm.get(n + 4), warm.get(n + 3), name + ": the hidden states a pass returned changed");
        }
    }

    /** Last-position logits of a prefill of all but the last 3 ids, then of 3 single-token steps. */
    private static List<float[]> decode(Transformer model, int[] ids) {
        KvCache cache = model.newCache(ids.length);
        int prefill = ids.length - 3;
        List<Tensor> logits = new ArrayList<>();
        logits.add(model.forward(model.embed(java.util.Arrays.copyOf(ids, prefill)), cache, false));
        for (int i = prefill; i < ids.length; i++) logits.add(model.forward(model.embed(new int[]{ids[i]}), cache, false));
        List<float[]> out = new ArrayList<>();
        for (Tensor t : logits) out.add(t.data()); // read after all steps: none may have been overwritten
        return out;
    }

    private static int[] ids(int vocab, int n, int seed) {
        return new java.util.Random(seed).ints(n, 0, vocab).toArray();
    }

    private static <R> R onNewThread(Supplier<R> body) throws Exception {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).get();
    }
}
