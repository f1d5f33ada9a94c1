package greater.transformer.model;

import greater.tensor.Tensor;
import greater.tensor.autograd.ActivationArena;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.Add;
import greater.tensor.kernels.Attention;
import greater.tensor.kernels.Rope;
import greater.tensor.ops.CausalSelfAttention;
import greater.tensor.ops.EmbeddingLookup;
import greater.tensor.ops.GatedActivation;
import greater.tensor.ops.Linear;
import greater.tensor.ops.RmsNorm;
import greater.tensor.ops.Rotary;
import greater.tensor.ops.Rows;
import greater.tensor.ops.Scale;
import greater.tensor.ops.SoftCapping;
import greater.transformer.config.ModelConfig;
import greater.transformer.config.ModelConfig.NormPlacement;
import greater.transformer.config.RopeScaling;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.stream.IntStream;

/**
 * The one decoder-only transformer behind every supported family; family differences are the
 * named switches of {@link ModelConfig}, resolved once from config.json. Letters: T = tokens of
 * one sequence in this call, R = rows of a packed call (several sequences, see {@link Packing}),
 * S = positions attended (cache + T), H = hidden, V = vocabulary, D = head_dim.
 *
 * <pre>
 *   x = embed(ids) · embeddingScale                  (Gemma: √H; Granite: embedding_multiplier)
 *   for each layer:                                  (normPlacement: PRE / SANDWICH / POST)
 *       a = Attention(RmsNorm(x))  [SANDWICH, POST: a = RmsNorm(a)]   x = x + a · residualMultiplier
 *       m = Mlp(RmsNorm(x))        [SANDWICH, POST: m = RmsNorm(m)]   x = x + m · residualMultiplier
 *           (POST norms only the outputs: a = RmsNorm(Attention(x)), m = RmsNorm(Mlp(x)))
 *   logits = RmsNorm(x) · lm_headᵀ / logitsScaling  [Gemma-2: cap · tanh(logits / cap)]
 *
 *   Attention(h): q, k, v = h·Wqᵀ + bq, h·Wkᵀ + bk, h·Wvᵀ + bv
 *                 [qkNorm: q, k = RmsNorm per head (Qwen3, Gemma-3) or over the whole projection (OLMo-2)]
 *                 q, k = RoPE of the layer (none on SmolLM3's NoPE layers; Gemma-3: local or global;
 *                        Phi-3: first rotaryDim features of each head, cos/sin · attentionFactor)
 *                 o = softmax(q·kᵀ · attentionScale [soft-capped], causal, window of the layer) · v
 *                 return o·Woᵀ + bo
 * </pre>
 * Every step is a differentiable op: run inside a {@link Tape} with {@code inputsEmbeds}
 * requiring gradients and backward yields d(loss)/d(inputs_embeds) and nothing else, because the
 * weights are frozen views. Outside a tape the same code is plain inference.
 */
public final class Transformer {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final float[][] invFreq; // per layer, null without RoPE (at init: no sequence length known)
    private final boolean ropeDependsOnLength;

    public Transformer(ModelConfig config, ModelWeights weights) {
        this.config = config;
        this.weights = weights;
        this.invFreq = frequencies(config, 0);
        this.ropeDependsOnLength = Arrays.stream(config.layerRope()).anyMatch(r -> r != null && r.dependsOnLength());
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    /** A cache able to hold {@code capacity} positions. */
    public KvCache newCache(int capacity) {
        return new KvCache(config.layers(), config.kvDim(), capacity);
    }

    /**
     * The raw rows of {@code embed_tokens} for ids [T] → [T, H], before any model-specific
     * scaling: exactly what transformers calls {@code inputs_embeds}, and where prompt gradients
     * are taken. Ids outside the vocabulary are rejected.
     */
    public Tensor embed(int[] ids) {
        return EmbeddingLookup.apply(weights.embedTokens(), ids);
    }

    /** Logits [T, V] for every position of {@code ids}, no cache. */
    public Tensor logits(int[] ids) {
        return forward(embed(ids), null, true);
    }

    /**
     * Runs inputs_embeds [T, H] at positions [cache.length(), cache.length() + T) (from 0 when
     * {@code cache} is null), appending their keys and values to the cache: the packed forward
     * with one sequence.
     *
     * @param allLogits logits for every position [T, V]; else only for the last one [1, V]
     */
    public Tensor forward(Tensor inputsEmbeds, KvCache cache, boolean allLogits) {
        Packing packing = Packing.single(inputsEmbeds.shape().rows(), cache);
        return head(allLogits ? hiddenStates(inputsEmbeds, packing) : hiddenStates(inputsEmbeds, packing, new int[]{1}));
    }

    /** The final-normed hidden states [T, H] of one sequence: everything but the LM head. */
    public Tensor hiddenStates(Tensor inputsEmbeds, KvCache cache) {
        return hiddenStates(inputsEmbeds, Packing.single(inputsEmbeds.shape().rows(), cache));
    }

    /**
     * The packed forward: the final-normed hidden states [R, H] of several sequences whose rows
     * are concatenated in {@code inputsEmbeds} [R, H] as {@code packing} says. Every projection
     * and the MLP are one matmul over all R rows, RoPE takes each row's own position, attention
     * runs per sequence over its own cache; each cache then holds its sequence's new rows. Inside
     * a {@link Tape} the gradient reaches every sequence's rows of {@code inputsEmbeds}.
     *
     * @throws IllegalArgumentException when the rows or hidden size do not match
     * @throws IllegalStateException when a cache has no room for its rows
     */
    public Tensor hiddenStates(Tensor inputsEmbeds, Packing packing) {
        return hiddenStates(inputsEmbeds, packing, null);
    }

    /**
     * {@link #hiddenStates(Tensor, Packing)} of only the last {@code outputRows[s]} rows of each
     * sequence s ([Σ outputRows, H], sequence by sequence; null = every row). The last layer then
     * computes queries, attention, MLP and the residual stream for those rows alone, keys and values
     * still for every row (the caches keep them): what llama.cpp does for the rows whose logits
     * are not wanted (its {@code inp_out_ids}, the rows the last layer keeps with ggml_get_rows; a
     * 256-token prefill reading the last row's logits skips 94% of a layer, 1/30 of SmolLM2-135M).
     * Those rows give what the full pass gives up to rounding (a product of one row is summed
     * differently from one of 256); the caches are bitwise the same.
     *
     * @throws IllegalArgumentException also when outputRows does not have one entry per sequence, or an
     *                                  entry is negative or exceeds its sequence's length
     */
    public Tensor hiddenStates(Tensor inputsEmbeds, Packing packing, int[] outputRows) {
        if (inputsEmbeds.dim(-1) != config.hiddenSize()) {
            throw new IllegalArgumentException("inputs_embeds " + inputsEmbeds.shape() + " do not have hidden size " + config.hiddenSize());
        }
        if (inputsEmbeds.shape().rows() != packing.rows()) {
            throw new IllegalArgumentException("inputs_embeds " + inputsEmbeds.shape() + " for a packing of " + packing.rows() + " rows");
        }
        if (outputRows != null && (outputRows.length != packing.sequences()
                || IntStream.range(0, outputRows.length).anyMatch(i -> outputRows[i] < 0 || outputRows[i] > packing.lengths()[i]))) {
            throw new IllegalArgumentException("output rows " + Arrays.toString(outputRows) + " for sequences of "
                    + Arrays.toString(packing.lengths()) + " rows");
        }
        // outside a tape, each layer's activations go back to the thread's pool once the layer is
        // done (all but the residual stream x), and the next layer takes them
        try (ActivationArena arena = ActivationArena.open()) {
            return hiddenStates(inputsEmbeds, packing, outputRows, arena);
        }
    }

    private Tensor hiddenStates(Tensor inputsEmbeds, Packing packing, int[] outputRows, ActivationArena arena) {
        Rope.Angles[] angles = ropeAngles(packing);
        NormPlacement placement = config.normPlacement();
        Tensor x = config.embeddingScale() == 1f ? inputsEmbeds : Scale.apply(inputsEmbeds, config.embeddingScale());
        for (int l = 0; l < config.layers(); l++) {
            LayerWeights w = weights.layers().get(l);
            // the last layer carries on only the rows asked for (their indices among the packed rows)
            int[] kept = l == config.layers() - 1 && outputRows != null && Arrays.stream(outputRows).sum() < packing.rows()
                    ? trailingRows(packing, outputRows) : null;
            Tensor a = attention(placement.normsInput() ? norm(x, w.inputNorm()) : x, w, l, angles[l], packing, outputRows, kept);
            if (placement.normsOutput()) a = norm(a, w.postAttentionNorm());
            x = residual(kept == null ? x : Rows.gather(x, kept), a);

            Tensor h = switch (placement) {
                case PRE -> norm(x, w.postAttentionNorm());
                case SANDWICH -> norm(x, w.preFeedforwardNorm());
                case POST -> x;
            };
            Tensor m = mlp(h, w);
            if (placement.normsOutput()) m = norm(m, w.postFeedforwardNorm());
            x = residual(x, m);
            arena.release(x);
        }
        for (int s = 0; s < packing.sequences(); s++) {
            if (packing.caches()[s] != null) packing.caches()[s].advance(packing.lengths()[s]);
        }
        return norm(x, weights.finalNorm());
    }

    /** Indices among the packed rows of the last outputRows[s] rows of each sequence s, in order. */
    private static int[] trailingRows(Packing packing, int[] outputRows) {
        int[] rows = new int[Arrays.stream(outputRows).sum()];
        for (int s = 0, from = 0, at = 0; s < outputRows.length; from += packing.lengths()[s], s++) {
            for (int r = packing.lengths()[s] - outputRows[s]; r < packing.lengths()[s]; r++) rows[at++] = from + r;
        }
        return rows;
    }

    /**
     * Logits [n, V] of the chosen rows of final hidden states [R, H], outside a tape (inference):
     * generation needs the last row of each sequence, scoring a few spans, never all R·V.
     */
    public Tensor logitsOfRows(Tensor hidden, int[] rows) {
        int width = hidden.dim(-1);
        float[] picked = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) System.arraycopy(hidden.data(), rows[i] * width, picked, i * width, width);
        return head(Tensor.of(picked, rows.length, width));
    }

    /** Logits [R, V] of final hidden states [R, H]: the LM head, Granite's 1/logits_scaling, then Gemma-2's soft-capping. */
    public Tensor head(Tensor hidden) {
        Tensor logits = Linear.apply(hidden, weights.lmHead());
        if (config.logitsScaling() != 1f) logits = Scale.apply(logits, 1f / config.logitsScaling());
        return config.finalSoftcap() > 0 ? SoftCapping.apply(logits, config.finalSoftcap()) : logits;
    }

    /** {@code x + f · residualMultiplier} (Granite's multiplier; 1 elsewhere). */
    private Tensor residual(Tensor x, Tensor f) {
        return Add.apply(x, config.residualMultiplier() == 1f ? f : Scale.apply(f, config.residualMultiplier()));
    }

    /**
     * The RoPE angles of every layer over the packed rows [R, rotaryDim/2] (null for a layer without
     * RoPE): computed once per forward and shared by the layers with the same frequencies, for q
     * and k alike. Each sequence's rows take their own frequencies, which differ only for a RoPE that
     * depends on the length (dynamic, longrope).
     */
    private Rope.Angles[] ropeAngles(Packing packing) {
        int n = packing.sequences();
        // [sequence][layer][rotaryDim/2]: dynamic and longrope frequencies depend on how far each sequence reaches.
        float[][][] freqs = new float[n][][];
        for (int s = 0; s < n; s++) {
            freqs[s] = ropeDependsOnLength ? frequencies(config, packing.past(s) + packing.lengths()[s]) : invFreq;
        }
        Rope.Angles[] angles = new Rope.Angles[config.layers()];
        var shared = new IdentityHashMap<float[], Rope.Angles>();
        for (int l = 0; l < angles.length; l++) {
            if (freqs[0][l] == null) continue;
            float[][] ofSequence = new float[n][];
            boolean same = true;
            for (int s = 0; s < n; s++) {
                ofSequence[s] = freqs[s][l];
                same &= Arrays.equals(ofSequence[s], ofSequence[0]);
            }
            angles[l] = same ? shared.computeIfAbsent(ofSequence[0], f -> Rope.Angles.of(packing.positions(), f))
                    : Rope.Angles.of(packing.positions(), ofSequence, packing.lengths());
        }
        return angles;
    }

    /**
     * Inverse frequencies [rotaryDim/2] of each layer for a call reaching {@code seqLen} positions
     * (null for a layer without RoPE). Only dynamic and longrope RoPE depend on the length; they
     * are recomputed for every call, as transformers' {@code dynamic_rope_update} does per forward.
     */
    private static float[][] frequencies(ModelConfig config, int seqLen) {
        RopeScaling[] ropes = config.layerRope();
        float[][] out = new float[ropes.length][];
        var computed = new IdentityHashMap<RopeScaling, float[]>();
        for (int l = 0; l < ropes.length; l++) {
            if (ropes[l] != null) out[l] = computed.computeIfAbsent(ropes[l], r -> r.inverseFrequencies(config.rotaryDim(), seqLen));
        }
        return out;
    }

    private Tensor norm(Tensor x, Tensor weight) {
        return RmsNorm.apply(x, weight, config.rmsNormEps(), config.normAddsOne());
    }

    /**
     * Grouped-query self-attention with rotary positions (Vaswani et al. 2017; Su et al. 2021):
     * projections over all packed rows (queries over the kept rows only when {@code kept} is given:
     * the last {@code outputRows[s]} of each sequence), then each sequence's queries attend to its
     * own keys.
     */
    private Tensor attention(Tensor h, LayerWeights w, int layer, Rope.Angles angles, Packing packing, int[] outputRows,
                             int[] kept) {
        Tensor q, k, v;
        if (kept == null) {
            // one product of h with three weights: h is prepared once for all of them
            Tensor[] qkv = Linear.apply(h, new Tensor[]{w.wq(), w.wk(), w.wv()}, new Tensor[]{w.bq(), w.bk(), w.bv()});
            q = qkv[0];                                                        // [R, heads·d]
            k = qkv[1];                                                        // [R, kvHeads·d]
            v = qkv[2];                                                        // [R, kvHeads·d]
        } else {
            // queries of the kept rows only; keys and values of every row
            q = Linear.apply(Rows.gather(h, kept), w.wq(), w.bq());           // [n, heads·d]
            Tensor[] kv = Linear.apply(h, new Tensor[]{w.wk(), w.wv()}, new Tensor[]{w.bk(), w.bv()});
            k = kv[0];
            v = kv[1];
        }
        switch (config.qkNorm()) {
            case PER_HEAD -> {
                q = headNorm(q, w.qNorm(), config.heads());
                k = headNorm(k, w.kNorm(), config.kvHeads());
            }
            case WHOLE -> {
                q = norm(q, w.qNorm());
                k = norm(k, w.kNorm());
            }
            case NONE -> {
            }
        }
        if (angles != null) {
            float factor = (float) config.layerRope()[layer].attentionFactor();
            q = Rotary.apply(q, config.heads(), config.headDim(), config.rotaryDim(), kept == null ? angles : angles.select(kept), factor);
            k = Rotary.apply(k, config.kvHeads(), config.headDim(), config.rotaryDim(), angles, factor);
        }

        var spec = new Attention.Spec(config.heads(), config.kvHeads(), config.headDim(),
                config.attentionScale(), config.attentionSoftcap(), config.slidingWindow()[layer]);
        Tensor o;
        if (packing.sequences() == 1) {
            o = attendOne(q, k, v, packing.caches()[0], layer, spec);
        } else {
            Tensor[] parts = new Tensor[packing.sequences()];
            for (int s = 0, from = 0, qFrom = 0; s < parts.length; from += packing.lengths()[s], s++) {
                int to = from + packing.lengths()[s], qTo = kept == null ? to : qFrom + outputRows[s];
                parts[s] = attendOne(Rows.slice(q, kept == null ? from : qFrom, qTo), Rows.slice(k, from, to),
                        Rows.slice(v, from, to), packing.caches()[s], layer, spec);
                qFrom = qTo;
            }
            o = Rows.concat(parts);                                            // [R or n, heads·d]
        }
        return Linear.apply(o, w.wo(), w.bo());                                // [R or n, H]
    }

    /** RMSNorm over each head's D features of x [R, heads·D] with one weight [D] (Qwen3, Gemma-3 q/k norm). */
    private Tensor headNorm(Tensor x, Tensor weight, int heads) {
        int t = x.shape().rows(), d = config.headDim();
        return Rows.reshape(norm(Rows.reshape(x, t * heads, d), weight), t, heads * d);
    }

    /**
     * One sequence's attention: k and v [T, kvHeads·d] after its cached positions; q [T', heads·d]
     * the queries of the last T' ≤ T of those rows.
     */
    private static Tensor attendOne(Tensor q, Tensor k, Tensor v, KvCache cache, int layer, Attention.Spec spec) {
        if (cache == null) return CausalSelfAttention.apply(q, k, v, spec);
        int past = cache.length();
        cache.write(layer, k, v);
        if (Tape.needsGrad(q, k, v)) {
            // The cached prefix is a constant; gradients flow only into this call's keys and values.
            Tensor kAll = past == 0 ? k : Rows.concat(cache.pastKeys(layer, past), k);  // [S, kvHeads·d]
            Tensor vAll = past == 0 ? v : Rows.concat(cache.pastValues(layer, past), v);
            return CausalSelfAttention.apply(q, kAll, vAll, spec);
        }
        return CausalSelfAttention.overCache(q, cache.keys(layer), cache.values(layer), past + k.shape().rows(), spec);
    }

    /** Gated MLP: down(act(gate(h)) ⊙ up(h)), act = SiLU or tanh-GELU. */
    private Tensor mlp(Tensor h, LayerWeights w) {
        Tensor[] gateUp = Linear.apply(h, new Tensor[]{w.wGate(), w.wUp()}, new Tensor[]{w.bGate(), w.bUp()});
        Tensor gate = gateUp[0];                                               // [T, I]
        Tensor up = gateUp[1];                                                 // [T, I]
        var kind = config.gatedGelu() ? GatedActivation.Kind.GELU_TANH : GatedActivation.Kind.SILU;
        return Linear.apply(GatedActivation.apply(gate, up, kind), w.wDown(), w.bDown());  // [T, H]
    }
}
