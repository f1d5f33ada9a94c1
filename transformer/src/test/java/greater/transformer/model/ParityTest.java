package greater.transformer.model;

import greater.tensor.Tensor;
import greater.tensor.safetensors.SafetensorsFile;
import greater.transformer.LanguageModel;
import greater.transformer.grad.InputGradient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our transformer against what HuggingFace transformers computed from the same stored bf16
 * weights (fixtures written by transformer/reference/make_model_fixtures.py): logits, the
 * next-token loss, its gradient w.r.t. inputs_embeds, and a greedy continuation. Fixtures with a
 * {@code config_v4.json} are checked a second time under that config (the transformers-4.x keys
 * published checkpoints carry; the script checked it gives transformers bit-identical logits).
 */
class ParityTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    /** Every fixture, and "name:v4" for the 4.x-keys config of those that have one. */
    static Stream<String> fixtures() {
        List<String> names = List.of("llama", "llama_v4config", "mistral", "qwen2", "gemma", "gemma2",
                "llama_bias", "qwen3", "gemma3", "gemma3_multimodal", "smollm3", "phi3", "olmo2", "granite");
        return names.stream().flatMap(n -> Files.exists(FIXTURES.resolve(n).resolve("config_v4.json")) ? Stream.of(n, n + ":v4") : Stream.of(n));
    }

    /** The fixture folder, or for "name:v4" a copy of it whose config.json is its config_v4.json. */
    static Path folder(String name, Path tmp) throws IOException {
        if (!name.endsWith(":v4")) return FIXTURES.resolve(name);
        Path src = FIXTURES.resolve(name.substring(0, name.length() - 3));
        Path dir = Files.createDirectories(tmp.resolve("v4"));
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                String fn = f.getFileName().toString();
                if (fn.equals("config.json")) continue;
                Files.copy(f, dir.resolve(fn.equals("config_v4.json") ? "config.json" : fn));
            }
        }
        return dir;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void matchesTransformers(String name, @TempDir Path tmp) throws Exception {
        Path dir = folder(name, tmp);
        try (LanguageModel lm = LanguageModel.load(dir);
             SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
            Transformer model = lm.transformer();
            int[] ids = expected.ints("input_ids");

            float[] logits = model.logits(ids).data();
            float[] refLogits = expected.tensor("logits").toFloatArray();
            double maxLogit = maxAbs(refLogits);
            double logitErr = maxAbsDiff(logits, refLogits) / maxLogit;
            assertTrue(logitErr <= 1e-4, name + ": logits max-abs error / max-abs logit = " + logitErr);

            InputGradient.Result r = InputGradient.nextTokenLoss(model, ids);
            float refLoss = expected.tensor("loss").getFloat(0);
            assertEquals(refLoss, r.loss(), 1e-4 * Math.max(1, Math.abs(refLoss)), name + ": loss");
            float[] refGrad = expected.tensor("input_embeds_grad").toFloatArray();
            double gradErr = maxAbsDiff(r.inputEmbedsGrad().data(), refGrad) / maxAbs(refGrad);
            assertTrue(gradErr <= 1e-3, name + ": input-embeds gradient relative error " + gradErr);

            System.out.printf("%s: logits err %.2e (max |logit| %.1f), loss %.6f vs %.6f, grad err %.2e%n",
                    name, logitErr, maxLogit, r.loss(), refLoss, gradErr);
            int[] prompt = expected.ints("greedy_prompt_ids");
            int[] refGreedy = expected.ints("greedy_ids");
            int[] greedy = lm.generator().generate(prompt, greater.transformer.infer.GenerationOptions.greedy(refGreedy.length, Set.of()));
            assertArrayEquals(refGreedy, greedy, name + ": greedy continuation " + Arrays.toString(greedy));

            if (expected.names().contains("long_logits")) { // LongRoPE past original_max_position_embeddings
                float[] ref = expected.tensor("long_logits").toFloatArray();
                double err = maxAbsDiff(model.logits(expected.ints("long_input_ids")).data(), ref) / maxAbs(ref);
                assertTrue(err <= 1e-4, name + ": long-sequence logits max-abs error / max-abs logit = " + err);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma2", "llama_bias", "qwen3", "gemma3", "gemma3_multimodal", "smollm3", "phi3", "olmo2", "granite"})
    void prefixReuseGivesTheSameContinuation(String name) {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            greater.transformer.infer.GenerationOptions greedy = lm.greedy(6);
            assertEquals(6, greedy.maxNewTokens());
            assertEquals(lm.stopIds(), greedy.stopIds(), name + ": greedy stops at the model's stop ids");
            assertFalse(greedy.stopIds().isEmpty(), name + ": config.json names an eos id");
            int[] prefix = {5, 17, 3, 9};
            int[][] suffixes = {{11, 2}, {40}, {7, 7, 7}};
            KvCache cache = model.newCache(64);
            model.forward(model.embed(prefix), cache, false);
            for (int[] suffix : suffixes) {
                cache.truncate(prefix.length);
                int[] viaPrefix = lm.generator().continueFrom(cache, suffix, lm.greedy(6));
                int[] full = new int[prefix.length + suffix.length];
                System.arraycopy(prefix, 0, full, 0, prefix.length);
                System.arraycopy(suffix, 0, full, prefix.length, suffix.length);
                int[] fresh = lm.generator().generate(full, lm.greedy(6));
                assertArrayEquals(fresh, viaPrefix, name + ": continuation after a reused prefix");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma2", "qwen3", "gemma3", "smollm3", "phi3", "olmo2", "granite"})
    void gradientThroughACachedPrefixMatchesTheFullGradient(String name) {
        try (LanguageModel lm = LanguageModel.load(FIXTURES.resolve(name))) {
            Transformer model = lm.transformer();
            int[] ids = {5, 17, 3, 9, 11, 2, 40, 7};
            int p = 3;
            // The loss over the targets of positions p.., with positions < p served from a cache,
            // must have the same gradient w.r.t. positions p.. as without a cache.
            KvCache cache = model.newCache(16);
            model.forward(model.embed(Arrays.copyOf(ids, p)), cache, false);
            int[] tail = Arrays.copyOfRange(ids, p, ids.length);
            int[] targets = new int[tail.length];
            for (int i = 0; i < tail.length; i++) targets[i] = i + 1 < tail.length ? tail[i + 1] : -1;
            Tensor x = Tensor.of(model.embed(tail).toFloatArray(), tail.length, model.config().hiddenSize()).requiresGrad(true);
            try (var tape = greater.tensor.autograd.Tape.record()) {
                Tensor logits = model.forward(x, cache, true);
                tape.backward(greater.tensor.ops.CrossEntropyLoss.apply(logits, targets));
            }
            float[] g = x.grad();
            Tensor fullTail = tailOnlyGradient(model, ids, p);
            double err = maxAbsDiff(g, fullTail.data()) / Math.max(1e-12, maxAbs(fullTail.data()));
            assertTrue(err < 1e-4, name + ": gradient through cached prefix, relative error " + err);
        }
    }

    /** The gradient, w.r.t. positions p.., of the loss over targets of positions p..T-2 only, without a cache. */
    private static Tensor tailOnlyGradient(Transformer model, int[] ids, int p) {
        int[] targets = new int[ids.length];
        Arrays.fill(targets, -1);
        for (int i = p; i + 1 < ids.length; i++) targets[i] = ids[i + 1];
        Tensor grad = InputGradient.of(model, model.embed(ids), logits -> greater.tensor.ops.CrossEntropyLoss.apply(logits, targets)).inputEmbedsGrad();
        int h = model.config().hiddenSize();
        return Tensor.of(Arrays.copyOfRange(grad.data(), p * h, ids.length * h), ids.length - p, h);
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(b.length, a.length, "length");
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
