package greater.transformer.model;

import greater.transformer.LanguageModel;
import greater.transformer.grad.InputGradient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Consecutive gradient passes on one thread share the tape's memory (the second takes the first's
 * activation and gradient arrays, stale contents and all); the second must give bitwise what the
 * same pass gives on a thread with an empty pool, and the logits the first returned must stay as
 * they were.
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
        }
    }

    private static <R> R onNewThread(Supplier<R> body) throws Exception {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).get();
    }
}
