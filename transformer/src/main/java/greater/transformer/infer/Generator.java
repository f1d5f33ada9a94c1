package greater.transformer.infer;

import greater.tensor.SettingException;
import greater.tensor.Tensor;
import greater.transformer.grad.ContinuationLoss;
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
 * memory. Every sequence gets the tokens it would get alone, a verified draft included (up to
 * the last-bit rounding of a matmul over more rows: see benchmarks/README.md).
 */
public final class Generator {
    /**
     * KV positions held at once by default: 2048 rows of keys and values per layer (≈95 MB for
     * SmolLM2-135M, ≈135 MB for Llama-3.2-1B), chosen so a GReaTer step peaks within 1.5× of the
     * sequential path's RSS (benchmarks/README.md).
     */
    public static final int DEFAULT_TOKEN_BUDGET = 2048;
    /** Rows of logits computed at once (a multiple of the matmul tiles; 64 × 128256 floats = 33 MB). */
    static final int HEAD_ROWS = 64;
    /**
     * Draft tokens verified in the first pass of a stage; each fully accepted window doubles the
     * next (16, 32, 64, ...), as speculative decoding verifies a few tokens per pass. Feeding the
     * whole draft at once wasted its rejected tail: on a Llama-3.2-1B-shaped random model under an
     * edited prompt only 54 of 6,096 draft tokens agreed (benchmarks/README.md).
     */
    static final int FIRST_DRAFT_WINDOW = 16;
    private final Transformer model;
    private final int tokenBudget;

    public Generator(Transformer model) {
        this(model, DEFAULT_TOKEN_BUDGET);
    }

    /** @throws SettingException ({@code tokenBudget}) when {@code tokenBudget} is below 1 */
    public Generator(Transformer model, int tokenBudget) {
        SettingException.atLeast("tokenBudget", tokenBudget, 1);
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
            pass(rowsThisPass(batch));
            for (int i = batch.size() - 1; i >= 0; i--) {
                if (batch.get(i).done) held -= batch.remove(i).request.positions();
            }
        }
        return results;
    }

    /**
     * The sequences fed in the next pass: every decoding one (one row each), then whole inputs in
     * batch order while the pass stays within {@code tokenBudget / 4} rows (at least one
     * sequence). A long prefill burst (many sequences joining at once) would otherwise allocate
     * [R, intermediate] activations for thousands of rows per layer and push the heap up; the
     * deferred sequences join the following passes, with the same results.
     */
    private List<Live> rowsThisPass(List<Live> batch) {
        int cap = Math.max(HEAD_ROWS, tokenBudget / 4), rows = 0;
        List<Live> ready = new ArrayList<>();
        for (Live l : batch) {
            if (!l.prefill) {
                ready.add(l);
                rows += l.pending.length;
            }
        }
        for (Live l : batch) {
            if (l.prefill && (ready.isEmpty() || rows + l.pending.length <= cap)) {
                ready.add(l);
                rows += l.pending.length;
            }
        }
        return ready;
    }

    /**
     * One packed forward over every sequence's pending rows, then each consumes its logits. The
     * LM head runs over the rows the sequences read, {@link #HEAD_ROWS} at a time (whole
     * sequences), so a pass never holds more than that many V-wide rows.
     */
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
        for (int s = 0, at = 0; s < n; at += lengths[s], s++) System.arraycopy(batch.get(s).pending, 0, ids, at, lengths[s]);
        // the last layer carries on each sequence's rows from the first one read (its hidden
        // states come back as those rows only, sequence by sequence)
        int[] tails = new int[n], tailOffsets = new int[n];
        for (int s = 0, at = 0; s < n; at += tails[s], s++) {
            int firstRead = lengths[s];
            for (int r : batch.get(s).rowsToRead()) firstRead = Math.min(firstRead, r);
            tails[s] = lengths[s] - firstRead;
            tailOffsets[s] = at;
        }
        Tensor hidden = model.hiddenStates(model.embed(ids), new Packing(lengths, caches), tails);
        int vocab = model.config().vocabSize();
        for (int first = 0; first < n; ) {
            int last = first, count = batch.get(first).rowsToRead().length;
            while (last + 1 < n && count + batch.get(last + 1).rowsToRead().length <= HEAD_ROWS) count += batch.get(++last).rowsToRead().length;
            int[] rows = new int[count];
            for (int s = first, at = 0; s <= last; s++) {
                for (int r : batch.get(s).rowsToRead()) rows[at++] = tailOffsets[s] + r - (lengths[s] - tails[s]);
            }
            float[] logits = model.logitsOfRows(hidden, rows).data();
            for (int s = first, row = 0; s <= last; s++) {
                int read = batch.get(s).rowsToRead().length;
                batch.get(s).consume(logits, row, vocab);
                row += read * vocab;
            }
            first = last + 1;
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
        boolean prefill;    // pending = stage input ⊕ draft window; else the last token ⊕ draft window
        int usable;         // draft tokens that may be fed: the draft, short of maxNewTokens
        int window;         // size of the draft window fed last
        int fed;            // draft tokens in pending
        int drafted;        // draft tokens fed in this stage so far
        boolean diverged;   // an output token differed from the draft: no more windows
        int base;           // cache length when the stage started
        int[] out;
        int produced;
        int[] rowsToRead;
        boolean done;
        Tensor stageLogits;                              // what the stage's prefill kept, until it finishes
        List<ContinuationLoss.SpanValue> stageSpans;
        int stageAccepted;

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
                next = finish(new int[0], null, List.of(), 0, 0);
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
            usable = max == 0 ? 0 : Math.min(next.draft().length, max - 1);
            drafted = 0;
            diverged = false;
            window = FIRST_DRAFT_WINDOW;
            fed = Math.min(window, usable);
            pending = Arrays.copyOf(next.input(), next.input().length + fed);
            System.arraycopy(next.draft(), 0, pending, next.input().length, fed);
            prefill = true;
            out = new int[max];
            produced = 0;
            rowsToRead = null;
            return true;
        }

        /** Records a finished stage and returns what follows it. */
        private Stage finish(int[] tokens, Tensor logits, List<ContinuationLoss.SpanValue> spans, int accepted, int draftedTokens) {
            StageResult r = new StageResult(results.size(), tokens, logits, spans, accepted, draftedTokens);
            results.add(r);
            Function<StageResult, Stage> next = request.next();
            return next.apply(r);
        }

        /** Rows of {@code pending} whose logits this sequence needs. */
        int[] rowsToRead() {
            if (rowsToRead != null) return rowsToRead;
            int from = prefill ? stage.input().length - 1 : 0;
            int[] scored = prefill ? stage.scoredRows() : new int[0];
            boolean generates = stage.options().maxNewTokens() > 0;
            int[] r = Arrays.copyOf(scored, scored.length + (generates ? 1 + fed : 0));
            if (generates) for (int j = 0; j <= fed; j++) r[scored.length + j] = from + j;
            return rowsToRead = r;
        }

        /** Takes this pass's logits (rows at {@code from}, {@code vocab} wide) and decides what comes next. */
        void consume(float[] logits, int from, int vocab) {
            rowsToRead = null;
            var stops = stage.options().stopIds();
            int max = stage.options().maxNewTokens();
            int at = from;
            if (prefill) {
                int k = stage.logitsTo() - stage.logitsFrom();
                Tensor kept = k == 0 ? null : Tensor.of(Arrays.copyOfRange(logits, at, at + k * vocab), k, vocab);
                at += k * vocab;
                List<ContinuationLoss.SpanValue> values = new ArrayList<>();
                for (ContinuationLoss.Span span : stage.spans()) {
                    int m = span.targets().length;
                    values.add(ContinuationLoss.value(Tensor.of(Arrays.copyOfRange(logits, at, at + m * vocab), m, vocab), span));
                    at += m * vocab;
                }
                prefill = false;
                if (max == 0) {
                    next(finish(new int[0], kept, values, 0, 0));
                    return;
                }
                stageLogits = kept;
                stageSpans = values;
            }
            // Verify the fed draft window: row j predicts out[produced]; the row after it holds
            // draft[produced], already computed in context when the token equals it, so checking goes on.
            for (int j = 0; j <= fed; j++) {
                int tok = sampler.next(logits, at + j * vocab, vocab);
                out[produced++] = tok;
                if (stops.contains(tok) || produced == max || textStop() >= 0) break;
                if (j < fed && stage.draft()[produced - 1] == tok) {
                    stageAccepted++;
                    continue;
                }
                diverged |= j < fed;
                break;
            }
            drafted += fed;
            if (fed > 0) cache.truncate(base + stage.input().length + produced - 1);
            int last = out[produced - 1];
            int cut = stops.contains(last) ? -1 : textStop();
            if (cut >= 0) {
                // Stopped before a stop text: the cache keeps the kept tokens but the last (unfed, as always).
                cache.truncate(base + stage.input().length + Math.max(cut - 1, 0));
                next(finish(Arrays.copyOf(out, cut), stageLogits, stageSpans, stageAccepted, drafted));
                return;
            }
            if (stops.contains(last) || produced == max) {
                next(finish(Arrays.copyOf(out, produced), stageLogits, stageSpans, stageAccepted, drafted));
                return;
            }
            // The draft goes on while every token agreed, in windows twice as long each time.
            diverged |= produced - 1 >= usable || stage.draft()[produced - 1] != last;
            if (fed > 0) window *= 2;
            fed = diverged ? 0 : Math.min(window, usable - produced);
            pending = Arrays.copyOf(new int[]{last}, 1 + fed);
            if (fed > 0) System.arraycopy(stage.draft(), produced, pending, 1, fed);
        }

        /** The number of tokens to keep when the output now holds a stop text, else −1 ({@link StopStrings#cut}). */
        private int textStop() {
            return stage.options().stopStrings().cut(out, produced);
        }

        private void next(Stage following) {
            stageLogits = null;
            stageSpans = null;
            stageAccepted = 0;
            start(following);
        }
    }
}
