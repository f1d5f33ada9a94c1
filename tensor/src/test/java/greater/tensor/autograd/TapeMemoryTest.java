package greater.tensor.autograd;

import greater.tensor.DType;
import greater.tensor.Float16s;
import greater.tensor.Shape;
import greater.tensor.Tensor;
import greater.tensor.kernels.Attention;
import greater.tensor.kernels.Rope;
import greater.tensor.ops.Add;
import greater.tensor.ops.CausalSelfAttention;
import greater.tensor.ops.CrossEntropyLoss;
import greater.tensor.ops.EmbeddingLookup;
import greater.tensor.ops.GatedActivation;
import greater.tensor.ops.Linear;
import greater.tensor.ops.RmsNorm;
import greater.tensor.ops.Rotary;
import greater.tensor.ops.Rows;
import greater.tensor.ops.Scale;
import greater.tensor.ops.SoftCapping;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tape's memory: a pass of the same shapes after another takes the first one's arrays (op
 * outputs with stale contents, gradients re-zeroed) and must compute bitwise what a thread with an
 * empty pool computes; the pool holds one pass. Every op runs here on arrays of at least
 * {@link Tape#POOLED_MIN} floats, so each kernel's "writes every element" is exercised against the
 * previous pass's values.
 */
class TapeMemoryTest {
    private static final int T = 64, HEADS = 4, KV = 2, D = 12, HIDDEN = HEADS * D, INTER = 100, VOCAB = 131, WIDE = 400;
    private static final Attention.Spec SPEC = new Attention.Spec(HEADS, KV, D, 0.3f, 20f, 0);
    private static final Rope.Angles ANGLES = Rope.Angles.of(positions(), new float[]{1f, 0.3f, 0.1f, 0.03f});

    /** Frozen weights and a trainable embedding table: both gradient kinds (input and leaf) are taken. */
    private final Random rnd = new Random(11);
    private final Tensor table = random(VOCAB, HIDDEN).requiresGrad(true);
    private final Tensor wq = random(HIDDEN, HIDDEN), wk = random(KV * D, HIDDEN), wv = random(KV * D, HIDDEN),
            wo = random(HIDDEN, HIDDEN), gate = random(INTER, HIDDEN), up = random(INTER, HIDDEN), down = random(HIDDEN, INTER),
            norm = random(1, HIDDEN), head = random(VOCAB, HIDDEN), wide = random(WIDE, HIDDEN), wideBf16 = bf16(WIDE, HIDDEN);
    private final int[] targets = java.util.stream.IntStream.range(0, T).map(i -> (i * 7 + 3) % VOCAB).toArray();

    /** One pass's results, and the storage of every op output it made (identity, while its tape was open). */
    private record Pass(float loss, float[] inputGrad, float[] tableGrad, float[] logits, Set<float[]> outputs) {
    }

    @Test
    void aSecondPassReusesTheFirstsArraysAndComputesWhatAnEmptyPoolDoes() throws Exception {
        float[] a = values(T * HIDDEN), b = values(T * HIDDEN);
        Set<float[]> pool = Collections.newSetFromMap(new IdentityHashMap<>());
        Pass second = onNewThread(() -> {
            pass(a);
            pool.addAll(Tape.pooled());
            return pass(b);
        });
        Pass fresh = onNewThread(() -> pass(b));
        assertEquals(fresh.loss, second.loss, "loss");
        assertArrayEquals(fresh.inputGrad, second.inputGrad, "input gradient");
        assertArrayEquals(fresh.tableGrad, second.tableGrad, "embedding table gradient");
        assertArrayEquals(fresh.logits, second.logits, "logits");
        assertFalse(second.outputs.isEmpty());
        for (float[] out : second.outputs) {
            assertTrue(pool.contains(out), "an output of " + out.length + " floats was allocated again");
        }
    }

    @Test
    void thePoolHoldsOnePassOfArrays() throws Exception {
        onNewThread(() -> {
            assertEquals(0, pooledFloats());
            pass(values(T * HIDDEN));
            long one = pooledFloats();
            assertTrue(one >= 20L * T * HIDDEN, "the pool holds a pass's activations: " + one);
            pass(values(T * HIDDEN));
            assertEquals(one, pooledFloats(), "a pass of the same shapes takes from the pool, adds nothing");
            assertTrue(one > 40_000);
            try (Tape tape = Tape.record()) { // other shapes: as much of the pool goes as is allocated
                Tensor y = Tensor.of(values(40 * 1000), 40, 1000).requiresGrad(true);
                for (int i = 0; i < 5; i++) {
                    y = Scale.apply(y, 1.01f);
                    long lent = (i + 1) * 40_000L;
                    assertTrue(tape.floats() <= Math.max(one, lent) + 40_000, "a tape of other shapes holds " + tape.floats()
                            + " floats after lending " + lent + ", with " + one + " in the pool it started from");
                }
            }
            try (Tape tape = Tape.record()) { // the pool keeps only what the last tape used
                Tensor x = Tensor.of(values(3 * 1000), 3, 1000).requiresGrad(true);
                tape.backward(Linear.apply(Scale.apply(x, 2f), Tensor.of(values(1000), 1, 1000)));
            }
            assertEquals(2 * 3 * 1000, pooledFloats(), "the scaled input and its gradient");
            return null;
        });
    }

    /**
     * A small decoder over every op: embedding, norm, q/k/v with partial RoPE, soft-capped GQA
     * attention, o, residual, gated MLP, residual, a slice and a concat, the head scaled and
     * soft-capped, cross-entropy; plus three heads over a few rows each, with their losses added.
     */
    private Pass pass(float[] embeds) {
        table.zeroGrad();
        Tensor x = Tensor.of(embeds.clone(), T, HIDDEN).requiresGrad(true);
        Set<float[]> outputs = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> made = new ArrayList<>();
        float loss;
        float[] logits;
        try (Tape tape = Tape.record()) {
            Tensor e = Add.apply(x, EmbeddingLookup.apply(table, targets));
            Tensor n = RmsNorm.apply(e, norm, 1e-6f, false);
            Tensor q = Rotary.apply(Linear.apply(n, wq), HEADS, D, 8, ANGLES, 1.1f);
            Tensor k = Rotary.apply(Linear.apply(n, wk), KV, D, 8, ANGLES, 1.1f);
            Tensor v = Linear.apply(n, wv);
            Tensor o = Linear.apply(CausalSelfAttention.apply(q, k, v, SPEC), wo);
            Tensor h = Add.apply(e, o);
            Tensor m = RmsNorm.apply(h, norm, 1e-6f, true);
            Tensor g = GatedActivation.apply(Linear.apply(m, gate), Linear.apply(m, up), GatedActivation.Kind.SILU);
            h = Add.apply(h, Linear.apply(g, down));
            Tensor top = Rows.slice(h, 0, 30), bottom = Rows.slice(h, 30, T);
            h = Rows.concat(top, bottom);
            Tensor l = SoftCapping.apply(Scale.apply(Linear.apply(h, head), 0.5f), 15f);
            // products of few rows take other cores (GEMV up to 3 rows, dot tiles from 4, BF16 row tiles)
            Tensor few3 = Linear.apply(Rows.slice(h, 5, 8), wide), few9 = Linear.apply(Rows.slice(h, 8, 17), wide);
            Tensor few9Bf16 = Linear.apply(Rows.slice(h, 17, 26), wideBf16);
            made.addAll(List.of(e, n, q, k, v, o, m, g, top, bottom, h, l, few3, few9, few9Bf16));
            for (Tensor t : made) {
                assertTrue(t.size() >= Tape.POOLED_MIN, "every output here is pooled: " + t.shape());
                outputs.add(t.data());
            }
            Tensor ce = CrossEntropyLoss.apply(l, targets);
            for (Tensor few : List.of(few3, few9, few9Bf16)) {
                ce = Add.apply(ce, CrossEntropyLoss.apply(few, java.util.Arrays.copyOf(targets, few.shape().rows())));
            }
            tape.backward(ce);
            loss = ce.getFloat(0);
            logits = l.data().clone();
        }
        return new Pass(loss, x.grad().clone(), table.grad().clone(), logits, outputs);
    }

    private static long pooledFloats() {
        return Tape.pooled().stream().mapToLong(a -> a.length).sum();
    }

    private static <R> R onNewThread(Supplier<R> body) throws Exception {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).get();
    }

    private float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian() * 0.5f;
        return v;
    }

    private Tensor random(int rows, int cols) {
        return Tensor.of(values(rows * cols), rows, cols);
    }

    /** A read-only BF16 weight view, as a mapped checkpoint gives. */
    private Tensor bf16(int rows, int cols) {
        float[] v = values(rows * cols);
        MemorySegment seg = Arena.ofAuto().allocate(2L * v.length, 2);
        for (int i = 0; i < v.length; i++) seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Float16s.floatToBf16(v[i]));
        return Tensor.view(seg, DType.BF16, Shape.of(rows, cols));
    }

    private static int[] positions() {
        int[] p = new int[T];
        for (int i = 0; i < T; i++) p[i] = i;
        return p;
    }
}
