package greater.transformer.infer;

import greater.tensor.Tensor;
import greater.transformer.model.KvCache;
import greater.transformer.model.Packing;
import greater.transformer.model.Transformer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Autoregressive generation of many sequences at once with KV caches and continuous batching
 * (Yu et al., OSDI 2022 "Orca"; vLLM): every pass is one packed forward ({@link Packing}) over
 * the rows of every sequence in the batch — a whole input for a sequence that just joined or
 * started a new stage, one token for a decoding one — so each pass streams the weights once for
 * all of them. A sequence leaves as soon as it stops and the next waiting one joins; the
 * {@code tokenBudget} caps the KV positions held by the sequences in the batch, which bounds
 * memory. Without a draft, every sequence gets the tokens it would get alone (up to the
 * last-bit rounding of a matmul over more rows).
 */
public final class Generator {
    /** KV positions held at once by default: 4096 rows of keys and values per layer (≈190 MB for SmolLM2-135M, ≈270 MB for Llama-3.2-1B). */
    public static final int DEFAULT_TOKEN_BUDGET = 4096;
    private final Transformer model;
    private final int tokenBudget;

    public Generator(Transformer model) {
        this(model, DEFAULT_TOKEN_BUDGET);
    }

    /** @throws IllegalArgumentException when {@code tokenBudget} is below 1 */
    public Generator(Transformer model, int tokenBudget) {
        if (tokenBudget < 1) throw new IllegalArgumentException("--token-budget must be >= 1, got " + tokenBudget);
        this.model = model;
        this.tokenBudget = tokenBudget;
    }

    /** New token ids of one prompt (at most {@code maxNewTokens}, ending with a stop id if one was produced). */
    public int[] generate(int[] prompt, GenerationOptions options) {
        if (options.maxNewTokens() == 0) return new int[0];
        Request r = Request.fromPrefix(null, prompt.length + options.maxNewTokens(), Stage.generate(prompt, options), null);
        return generate(List.of(r)).getFirst().getFirst().tokens();
    }

    /**
     * Appends {@code suffix} to what {@code cache} holds, then generates. The cache is left holding
     * everything fed (all generated tokens but the last); call {@code cache.truncate(prefixLength)}
     * to reuse the prefix again. Its capacity must cover suffix + maxNewTokens more positions.
     */
    public int[] continueFrom(KvCache cache, int[] suffix, GenerationOptions options) {
        if (suffix.length == 0) throw new IllegalArgumentException("continueFrom needs at least one token to produce the next-token logits");
        if (cache.length() + suffix.length + options.maxNewTokens() > cache.capacity() + 1) {
            throw new IllegalArgumentException("KV cache capacity " + cache.capacity() + " is too small for "
                    + cache.length() + " + " + suffix.length + " + " + options.maxNewTokens() + " positions");
        }
        if (options.maxNewTokens() == 0) return new int[0];
        return generate(List.of(Request.inCache(cache, Stage.generate(suffix, options), null))).getFirst().getFirst().tokens();
    }

    /**
     * Runs every request to its end with continuous batching; per request (input order), the
     * results of its stages in order.
     *
     * @throws IllegalStateException when a sequence outgrows its cache capacity
     */
    public List<List<StageResult>> generate(List<Request> requests) {
        List<List<StageResult>> results = new ArrayList<>();
        Deque<Live> waiting = new ArrayDeque<>();
        for (Request r : requests) {
            List<StageResult> mine = new ArrayList<>();
            results.add(mine);
            waiting.add(new Live(r, mine));
        }
        List<Live> batch = new ArrayList<>();
        int held = 0;
        while (!waiting.isEmpty() || !batch.isEmpty()) {
            while (!waiting.isEmpty() && (batch.isEmpty() || held + waiting.peek().request.positions() <= tokenBudget)) {
                Live s = waiting.poll();
                held += s.request.positions();
                if (s.join(model)) batch.add(s);
                else held -= s.request.positions();
            }
            if (batch.isEmpty()) continue;
            pass(batch);
            for (int i = batch.size() - 1; i >= 0; i--) {
                if (batch.get(i).done) held -= batch.remove(i).request.positions();
            }
        }
        return results;
    }

    /** One packed forward over every sequence's pending rows, then each consumes its logits. */
    private void pass(List<Live> batch) {
        int n = batch.size();
        int[] lengths = new int[n];
        KvCache[] caches = new KvCache[n];
        int total = 0;
        for (int s = 0; s < n; s++) {
            lengths[s] = batch.get(s).pending.length;
            caches[s] = batch.get(s).cache;
            total += lengths[s];
        }
        int[] ids = new int[total];
        List<Integer> rows = new ArrayList<>();
        for (int s = 0, at = 0; s < n; at += lengths[s], s++) {
            Live l = batch.get(s);
            System.arraycopy(l.pending, 0, ids, at, lengths[s]);
            for (int r : l.rowsToRead()) rows.add(at + r);
        }
        Tensor hidden = model.hiddenStates(model.embed(ids), new Packing(lengths, caches));
        float[] logits = model.logitsOfRows(hidden, rows.stream().mapToInt(Integer::intValue).toArray()).data();
        int vocab = model.config().vocabSize();
        for (int s = 0, row = 0; s < n; s++) {
            Live l = batch.get(s);
            int read = l.rowsToRead().length;
            l.consume(logits, row, vocab);
            row += read * vocab;
        }
    }

    /** A sequence in (or waiting for) the batch: its cache, stage, and what it has produced. */
    private static final class Live {
        final Request request;
        final List<StageResult> results;
        KvCache cache;
        Stage stage;
        Sampler sampler;
        int[] pending;      // rows fed at the next pass
        boolean prefill;    // pending = stage input ⊕ draft
        int drafted;        // draft tokens fed with the input
        int base;           // cache length when the stage started
        int[] out;
        int produced;
        int[] rowsToRead;
        boolean done;

        Live(Request request, List<StageResult> results) {
            this.request = request;
            this.results = results;
        }

        /** Takes a cache and starts the first stage; false when the sequence had nothing to do. */
        boolean join(Transformer model) {
            if (request.cache() != null) {
                cache = request.cache();
            } else {
                cache = model.newCache(request.capacity());
                if (request.prefix() != null) cache.copyFrom(request.prefix());
            }
            return start(request.first());
        }

        /** Starts {@code next} (null: the sequence is done); false when done. */
        private boolean start(Stage next) {
            while (next != null && next.input().length == 0) {
                // Nothing to feed and nothing to generate (an empty input cannot generate).
                next = finish(next, new int[0], null, 0, 0);
            }
            if (next == null) {
                done = true;
                cache = null;
                return false;
            }
            stage = next;
            sampler = new Sampler(next.options());
            base = cache.length();
            int max = next.options().maxNewTokens();
            drafted = max == 0 ? 0 : Math.min(next.draft().length, max - 1);
            pending = Arrays.copyOf(next.input(), next.input().length + drafted);
            System.arraycopy(next.draft(), 0, pending, next.input().length, drafted);
            prefill = true;
            out = new int[max];
            produced = 0;
            rowsToRead = null;
            return true;
        }

        /** Records a finished stage and returns what follows it. */
        private Stage finish(Stage st, int[] tokens, Tensor logits, int accepted, int draftedTokens) {
            StageResult r = new StageResult(results.size(), tokens, logits, accepted, draftedTokens);
            results.add(r);
            Function<StageResult, Stage> next = request.next();
            return next.apply(r);
        }

        /** Rows of {@code pending} whose logits this sequence needs. */
        int[] rowsToRead() {
            if (rowsToRead != null) return rowsToRead;
            if (!prefill) return rowsToRead = new int[]{0};
            int in = stage.input().length, kept = stage.logitsTo() - stage.logitsFrom();
            boolean generates = stage.options().maxNewTokens() > 0;
            int[] r = new int[kept + (generates ? 1 + drafted : 0)];
            for (int i = 0; i < kept; i++) r[i] = stage.logitsFrom() + i;
            if (generates) for (int j = 0; j <= drafted; j++) r[kept + j] = in - 1 + j;
            return rowsToRead = r;
        }

        /** Takes this pass's logits (rows at {@code from}, {@code vocab} wide) and decides what comes next. */
        void consume(float[] logits, int from, int vocab) {
            int[] read = rowsToRead();
            rowsToRead = null;
            var stops = stage.options().stopIds();
            int max = stage.options().maxNewTokens();
            Tensor kept = null;
            int at = from;
            if (prefill) {
                int k = stage.logitsTo() - stage.logitsFrom();
                kept = Tensor.of(Arrays.copyOfRange(logits, at, at + k * vocab), k, vocab);
                at += k * vocab;
                prefill = false;
                if (max == 0) {
                    next(finish(stage, new int[0], kept, 0, 0));
                    return;
                }
                // Verify the draft: token j comes from row j (the input's last row, then draft rows);
                // it is already fed when it equals draft[j], so checking goes on.
                int accepted = 0;
                for (int j = 0; j <= drafted; j++) {
                    int tok = sampler.next(logits, at + j * vocab, vocab);
                    out[produced++] = tok;
                    if (stops.contains(tok) || produced == max) break;
                    if (j < drafted && stage.draft()[j] == tok) {
                        accepted++;
                        continue;
                    }
                    break;
                }
                cache.truncate(base + stage.input().length + produced - 1);
                stageLogits = kept;
                stageAccepted = accepted;
            } else {
                out[produced++] = sampler.next(logits, at, vocab);
            }
            int last = out[produced - 1];
            if (stops.contains(last) || produced == max) {
                next(finish(stage, Arrays.copyOf(out, produced), stageLogits, stageAccepted, drafted));
            } else {
                pending = new int[]{last};
            }
        }

        private Tensor stageLogits;
        private int stageAccepted;

        private void next(Stage following) {
            stageLogits = null;
            stageAccepted = 0;
            start(following);
        }
    }
}
