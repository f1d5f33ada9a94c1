package greater.benchmarks.exactness;

import greater.optimizer.task.Datasets;
import greater.optimizer.task.Example;
import greater.tensor.Tensor;
import greater.transformer.LanguageModel;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Request;
import greater.transformer.infer.Stage;
import greater.transformer.infer.StageResult;
import greater.transformer.model.KvCache;
import greater.transformer.model.Packing;
import greater.transformer.model.Transformer;
import greater.transformer.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How close greedy decoding comes to a tie, and whether packing ever flips a token (issue 11's
 * exactness study). Packed rows are not bitwise equal to a sequence alone (the matmul sums K in an
 * order that depends on the row count: benchmarks/README.md), so a greedy token can only differ
 * where its top-2 logit margin is below that rounding. For K questions of a BBH task, each
 * followed by the official initial prompt, it decodes N greedy tokens three ways:
 * <ol>
 *   <li><b>alone</b>: one sequence, prefill then one row per token (the reference), recording
 *       each step's logits [V] and top-2 margin (logit units);</li>
 *   <li><b>continuous batching</b>: all K through {@code Generator.generate(List<Request>)};</li>
 *   <li><b>packed, teacher-forced</b>: one packed forward over all K whole sequences (prompt plus
 *       the alone path's tokens), as draft verification reads them.</li>
 * </ol>
 * It prints the margins' distribution, the largest |Δ logit| of (3) against (1) relative to the
 * largest |logit|, how many steps have a margin below that deviation (could flip), and every
 * flip of (2) or (3) with its margin. Stop ids are ignored so every sequence decodes N tokens.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 *   greater.benchmarks.exactness.GreedyNearTies MODEL_DIR [K=8] [N=64] [CSV=../shared/data/bbh/date_understanding.csv]</pre>
 *
 * @throws IllegalArgumentException (from the loaders) naming the folder or file that is wrong
 */
public final class GreedyNearTies {
    private static final String PROMPT = ". Use proper logical reasoning and think step by step. Finally give the actual correct answer.";

    private GreedyNearTies() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: GreedyNearTies MODEL_DIR [K] [N] [CSV]");
            System.exit(2);
        }
        int k, n;
        try {
            k = args.length > 1 ? Integer.parseInt(args[1]) : 8;
            n = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        } catch (NumberFormatException e) {
            System.err.println("GreedyNearTies: K and N must be whole numbers, got " + String.join(" ", args));
            System.exit(2);
            return;
        }
        if (k < 1 || n < 1) {
            System.err.println("GreedyNearTies: K and N must be >= 1, got K=" + k + " N=" + n);
            System.exit(2);
        }
        Path csv = Path.of(args.length > 3 ? args[3] : "../shared/data/bbh/date_understanding.csv");
        try (LanguageModel lm = LanguageModel.load(Path.of(args[0]))) {
            Tokenizer tok = lm.requireTokenizer();
            Transformer model = lm.transformer();
            List<Example> examples = Datasets.read(csv);
            if (k > examples.size()) {
                System.err.println("GreedyNearTies: " + csv + " has " + examples.size() + " questions, fewer than K=" + k);
                System.exit(2);
            }
            int[][] prompts = new int[k][];
            for (int s = 0; s < k; s++) prompts[s] = tok.encode(examples.get(s).question() + PROMPT);
            System.out.printf(Locale.ROOT, "model %s (%s, vocab %d), %d sequences x %d greedy tokens, prompts of %d-%d tokens%n",
                    args[0], lm.weightDtype(), lm.config().vocabSize(), k, n,
                    Arrays.stream(prompts).mapToInt(p -> p.length).min().orElse(0), Arrays.stream(prompts).mapToInt(p -> p.length).max().orElse(0));

            // 1. alone
            int[][] alone = new int[k][n];
            float[][][] aloneLogits = new float[k][n][];
            float[] margins = new float[k * n];
            for (int s = 0; s < k; s++) {
                KvCache cache = model.newCache(prompts[s].length + n);
                float[] logits = model.forward(model.embed(prompts[s]), cache, false).toFloatArray();
                for (int t = 0; t < n; t++) {
                    aloneLogits[s][t] = logits;
                    int[] top = top2(logits);
                    alone[s][t] = top[0];
                    margins[s * n + t] = logits[top[0]] - logits[top[1]];
                    if (t + 1 < n) logits = model.forward(model.embed(new int[]{top[0]}), cache, false).toFloatArray();
                }
            }

            // 2. continuous batching
            List<Request> requests = new ArrayList<>();
            GenerationOptions greedy = GenerationOptions.greedy(n, Set.of());
            for (int[] p : prompts) requests.add(Request.fromPrefix(null, p.length + n, Stage.generate(p, greedy), null));
            List<List<StageResult>> batched = lm.generator().generate(requests);

            // 3. packed, teacher-forced over every whole sequence
            int[] lengths = new int[k];
            int rows = 0;
            for (int s = 0; s < k; s++) rows += lengths[s] = prompts[s].length + n - 1;
            int[] ids = new int[rows];
            int[] predicting = new int[k * n];
            int at = 0;
            for (int s = 0; s < k; s++) {
                System.arraycopy(prompts[s], 0, ids, at, prompts[s].length);
                System.arraycopy(alone[s], 0, ids, at + prompts[s].length, n - 1);
                for (int t = 0; t < n; t++) predicting[s * n + t] = at + prompts[s].length - 1 + t;
                at += lengths[s];
            }
            Tensor hidden = model.hiddenStates(model.embed(ids), new Packing(lengths, new KvCache[k]));

            double maxDev = 0, maxLogit = 0;
            List<String> flips = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                int[] mine = batched.get(s).getFirst().tokens();
                int firstBatchedFlip = -1;
                for (int t = 0; t < n && firstBatchedFlip < 0; t++) if (t >= mine.length || mine[t] != alone[s][t]) firstBatchedFlip = t;
                if (firstBatchedFlip >= 0) {
                    flips.add(String.format(Locale.ROOT, "continuous batching: sequence %d token %d (%s vs %s), margin alone %.3g",
                            s, firstBatchedFlip, firstBatchedFlip < mine.length ? mine[firstBatchedFlip] : "end", alone[s][firstBatchedFlip],
                            margins[s * n + firstBatchedFlip]));
                }
                for (int t0 = 0; t0 < n; t0 += 32) {
                    int m = Math.min(32, n - t0);
                    float[] packed = model.logitsOfRows(hidden, Arrays.copyOfRange(predicting, s * n + t0, s * n + t0 + m)).toFloatArray();
                    int v = packed.length / m;
                    for (int j = 0; j < m; j++) {
                        float[] ref = aloneLogits[s][t0 + j];
                        int argmax = 0;
                        for (int i = 0; i < v; i++) {
                            float p = packed[j * v + i];
                            maxDev = Math.max(maxDev, Math.abs(p - ref[i]));
                            maxLogit = Math.max(maxLogit, Math.abs(ref[i]));
                            if (p > packed[j * v + argmax]) argmax = i;
                        }
                        if (argmax != alone[s][t0 + j]) {
                            flips.add(String.format(Locale.ROOT, "packed teacher-forced: sequence %d token %d (%d vs %d), margin alone %.3g",
                                    s, t0 + j, argmax, alone[s][t0 + j], margins[s * n + t0 + j]));
                        }
                    }
                }
            }
            float[] sorted = margins.clone();
            Arrays.sort(sorted);
            int couldFlip = 0, below1e4 = 0, below1e3 = 0;
            for (float m : margins) {
                if (m <= 2 * maxDev) couldFlip++;
                if (m < 1e-4f) below1e4++;
                if (m < 1e-3f) below1e3++;
            }
            System.out.printf(Locale.ROOT, "top-2 margins (logit units) over %d steps: min %.3g, 1st percentile %.3g, median %.3g; "
                            + "below 1e-4: %d, below 1e-3: %d%n", margins.length, sorted[0], sorted[margins.length / 100],
                    sorted[margins.length / 2], below1e4, below1e3);
            System.out.printf(Locale.ROOT, "packed vs alone: max |delta logit| %.3g (%.3g of the largest |logit| %.3g); steps with margin <= 2x that: %d%n",
                    maxDev, maxDev / maxLogit, maxLogit, couldFlip);
            System.out.println(flips.isEmpty() ? "flips: none (continuous batching and packed rows chose every alone token)" : "flips:");
            flips.forEach(f -> System.out.println("  " + f));
        }
    }

    /** Indices of the largest and second-largest values (the lower index on ties, as greedy argmax). */
    private static int[] top2(float[] v) {
        int a = 0, b = -1;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[a]) {
                b = a;
                a = i;
            } else if (b < 0 || v[i] > v[b]) {
                b = i;
            }
        }
        return new int[]{a, b};
    }
}
