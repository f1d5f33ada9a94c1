package greater.transformer.model;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.transformer.LanguageModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Inference passes on one thread cycle their activations through the thread's arena pool
 * ({@code ActivationArena}: each layer's arrays go back once the layer is done, with their contents),
 * so every op must write all of its output and nothing a pass returns may be lent again. Passes
 * after others (stale arrays of other layers and lengths in the pool) must give bitwise what the
 * same passes give inside a tape that records nothing, where the arena is inert and every output
 * fresh; and the results of earlier passes (logits, and the hidden states GReaTer's passes keep)
 * must stay as they were. The passes: two sequences of one length, a prefill into a KV cache, a chunk over the
 * cache, single-token steps, packed sequences (one empty) over caches, a packed one-row-each
 * step, and whole-sequence logits.
 */
class ForwardReuseTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_bias", "gemma", "gemma2", "gemma3", "qwen2", "qwen3", "phi3", "granite", "olmo2",
            "mistral", "smollm3"})
    void passesAfterOthersEqualFreshOnesAndLeaveEarlierResultsAlone(String name) throws Exception {
        try (LanguageModel lm = LanguageModel.load(ParityTest.FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            List<float[]> fresh = onNewThread(() -> {
                try (Tape tape = Tape.record()) {
                    return copies(passes(model, 0));
                }
            });
            onNewThread(() -> {
                List<Tensor> first = passes(model, 0);
                List<float[]> firstCopies = copies(first);
                passes(model, 100); // other ids: arrays lent again would be overwritten with other values
                List<float[]> third = copies(passes(model, 0));
                for (int i = 0; i < fresh.size(); i++) {
                    assertArrayEquals(fresh.get(i), third.get(i), name + ": pass " + i + " after others");
                    assertArrayEquals(firstCopies.get(i), first.get(i).data(), name + ": pass " + i + "'s result changed later");
                }
                return null;
            });
        }
    }

    /** The results of the passes listed in the class comment over ids drawn from seeds offset by {@code seed}, uncopied. */
    private static List<Tensor> passes(Transformer model, int seed) {
        int vocab = model.config().vocabSize();
        List<Tensor> out = new ArrayList<>();
        out.add(model.hiddenStates(model.embed(ids(vocab, 40, seed + 1)), (KvCache) null));
        out.add(model.hiddenStates(model.embed(ids(vocab, 40, seed + 8)), (KvCache) null)); // the same lengths at once
        KvCache cache = model.newCache(80);
        out.add(model.hiddenStates(model.embed(ids(vocab, 37, seed + 2)), cache));
        out.add(model.hiddenStates(model.embed(ids(vocab, 20, seed + 3)), cache));
        for (int i = 0; i < 3; i++) out.add(model.forward(model.embed(ids(vocab, 1, seed + 10 + i)), cache, false));
        KvCache c1 = model.newCache(60), c2 = model.newCache(60);
        model.hiddenStates(model.embed(ids(vocab, 13, seed + 4)), c1);
        int[] lengths = {17, 23, 0, 11};
        out.add(model.hiddenStates(model.embed(ids(vocab, Arrays.stream(lengths).sum(), seed + 5)),
                new Packing(lengths, new KvCache[]{c1, null, null, c2})));
        out.add(model.hiddenStates(model.embed(ids(vocab, 2, seed + 6)), new Packing(new int[]{1, 1}, new KvCache[]{c1, c2})));
        out.add(model.logits(ids(vocab, 29, seed + 7)));
        return out;
    }

    private static List<float[]> copies(List<Tensor> tensors) {
        return tensors.stream().map(t -> t.data().clone()).toList();
    }

    private static int[] ids(int vocab, int n, int seed) {
        return new java.util.Random(seed).ints(n, 0, vocab).toArray();
    }

    private static <R> R onNewThread(Supplier<R> body) throws Exception {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).get();
    }
}
