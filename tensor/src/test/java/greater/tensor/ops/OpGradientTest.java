package greater.tensor.ops;

import greater.tensor.DType;
import greater.tensor.Float16s;
import greater.tensor.Shape;
import greater.tensor.Tensor;
import greater.tensor.kernels.Rope;
import greater.tensor.kernels.Attention;
import greater.tensor.autograd.Tape;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static greater.tensor.ops.GradientCheck.check;
import static greater.tensor.ops.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every differentiable op against finite differences, on sizes that are not multiples of the vector length. */
class OpGradientTest {
    private static final double H = 1e-2, TOL = 2e-2;
    private final Random rnd = new Random(7);

    private Tensor param(float scale, int... dims) {
        return random(rnd, scale, dims).requiresGrad(true);
    }

    @Test
    void linearAllInputs() {
        Tensor x = param(1, 3, 19), w = param(0.5f, 7, 19), b = param(1, 7);
        check("linear", List.of(x, w, b), in -> Linear.apply(in.get(0), in.get(1), in.get(2)), H, TOL);
    }

    @Test
    void linearOfSeveralWeightsEqualsEachAlone() {
        // q, k and v of one x, one with a bias: the shared forward and its three backwards give the
        // outputs and every gradient of three separate Linear ops, bit for bit
        Tensor x = param(1, 20, 19), wq = param(0.5f, 7, 19), wk = param(0.5f, 3, 19), wv = param(0.5f, 5, 19);
        Tensor bv = param(1, 5);
        List<Tensor> inputs = List.of(x, wq, wk, wv, bv);
        Function<List<Tensor>, Tensor> shared = in -> rowsOf(Linear.apply(in.get(0),
                new Tensor[]{in.get(1), in.get(2), in.get(3)}, new Tensor[]{null, null, in.get(4)}));
        Function<List<Tensor>, Tensor> alone = in -> rowsOf(new Tensor[]{Linear.apply(in.get(0), in.get(1), null),
                Linear.apply(in.get(0), in.get(2), null), Linear.apply(in.get(0), in.get(3), in.get(4))});
        float[][] expected = outputAndGradients(inputs, alone), actual = outputAndGradients(inputs, shared);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], i == 0 ? "outputs" : "gradient " + i);
        check("linear-shared", inputs, shared, H, TOL);
        assertThrows(IllegalArgumentException.class, () -> Linear.apply(x, new Tensor[]{wq}, new Tensor[0]));
        assertThrows(IllegalArgumentException.class, () -> Linear.apply(x, new Tensor[]{wq, param(1, 3, 18)}, new Tensor[2]));
    }

    /** The outputs' elements as one column [Σ size, 1]. */
    private static Tensor rowsOf(Tensor[] ys) {
        Tensor[] parts = new Tensor[ys.length];
        for (int i = 0; i < ys.length; i++) parts[i] = Rows.reshape(ys[i], (int) ys[i].size(), 1);
        return Rows.concat(parts);
    }

    /** op's output, then each input's gradient of a fixed weighted sum of it. */
    private static float[][] outputAndGradients(List<Tensor> inputs, Function<List<Tensor>, Tensor> op) {
        for (Tensor in : inputs) in.zeroGrad();
        float[][] out = new float[inputs.size() + 1][];
        try (Tape tape = Tape.record()) {
            Tensor y = op.apply(inputs);
            out[0] = y.toFloatArray();
            float[] r = new float[(int) y.size()];
            for (int i = 0; i < r.length; i++) r[i] = (i % 7 - 3) * 0.25f;
            tape.backward(Linear.apply(Rows.reshape(y, 1, r.length), Tensor.of(r, 1, r.length)));
        }
        for (int i = 0; i < inputs.size(); i++) out[i + 1] = inputs.get(i).grad().clone();
        return out;
    }

    @Test
    void linearFrozenWeightGetsNoGradient() {
        Tensor x = param(1, 2, 11), w = random(rnd, 1, 5, 11);
        check("linear-frozen", List.of(x, w), in -> Linear.apply(in.get(0), in.get(1)), H, TOL);
        assertNull(w.grad(), "a frozen weight must not receive a gradient");
    }

    @Test
    void addScale() {
        Tensor a = param(1, 4, 9), b = param(1, 4, 9);
        check("add", List.of(a, b), in -> Add.apply(in.get(0), in.get(1)), H, TOL);
        check("scale", List.of(a), in -> Scale.apply(in.get(0), -1.7f), H, TOL);
    }

    @Test
    void reusedNodeAccumulates() {
        // c = b + b with b = 3a: dc/da = 6 everywhere (micrograd issue #64: accumulate, never overwrite)
        Tensor a = Tensor.of(new float[]{1, -2, 5}, 3).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor b = Scale.apply(a, 3);
            Tensor c = Add.apply(b, b);
            tape.backward(Linear.apply(Rows.reshape(c, 1, 3), Tensor.of(new float[]{1, 1, 1}, 1, 3)));
        }
        assertArrayEquals(new float[]{6, 6, 6}, a.grad());
        // One op reading the same tensor twice: both of its input gradients land in one slot.
        Tensor x = param(1, 3, 11);
        check("reuse", List.of(x), in -> GatedActivation.apply(in.get(0), in.get(0), GatedActivation.Kind.SILU), H, TOL);
        // one op output as gate and up: its gradient gets both contributions (added, not written twice)
        check("reuse of an op's output", List.of(x), in -> {
            Tensor y = Scale.apply(in.get(0), 0.7f);
            return GatedActivation.apply(y, y, GatedActivation.Kind.SILU);
        }, H, TOL);
    }

    @Test
    void rmsNormBothConventions() {
        for (boolean addOne : new boolean[]{false, true}) {
            Tensor x = param(1, 3, 21), w = param(0.5f, 21);
            check("rmsnorm addOne=" + addOne, List.of(x, w), in -> RmsNorm.apply(in.get(0), in.get(1), 1e-5f, addOne), H, TOL);
        }
    }

    @Test
    void rmsNormReadsBf16Weights() {
        float[] w = {0.5f, -1.25f, 2f};
        MemorySegment seg = Arena.ofAuto().allocate(6);
        for (int i = 0; i < 3; i++) seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i, Float16s.floatToBf16(w[i]));
        Tensor wb = Tensor.view(seg, DType.BF16, Shape.of(3));
        Tensor x = Tensor.of(new float[]{1, 2, 3}, 1, 3);
        float[] y = RmsNorm.apply(x, wb, 0f, false).data();
        double rms = Math.sqrt((1 + 4 + 9) / 3.0);
        for (int i = 0; i < 3; i++) assertEquals((i + 1) / rms * w[i], y[i], 1e-5);
        Tensor xg = param(1, 2, 3);
        check("rmsnorm-bf16", List.of(xg, wb), in -> RmsNorm.apply(in.get(0), in.get(1), 1e-6f, true), H, TOL);
    }

    @Test
    void rotary() {
        int heads = 3, headDim = 6;
        float[] invFreq = {1f, 0.1f, 0.01f};
        Tensor x = param(1, 5, heads * headDim);
        int[] pos = {0, 1, 2, 7, 40};
        check("rotary", List.of(x), in -> Rotary.apply(in.get(0), heads, headDim, headDim, Rope.Angles.of(pos, invFreq), 1f), H, TOL);
    }

    @Test
    void partialRotaryWithScaling() {
        int heads = 2, headDim = 10, rotaryDim = 6;
        float[] invFreq = {1f, 0.3f, 0.05f};
        Tensor x = param(2, 4, heads * headDim);
        int[] pos = {0, 3, 9, 33};
        check("rotary-partial", List.of(x), in -> Rotary.apply(in.get(0), heads, headDim, rotaryDim, Rope.Angles.of(pos, invFreq), 1.25f), H, TOL);
        // the features past rotaryDim pass unchanged; the rotated ones equal a full rotary of those features, scaled
        float[] y = Rotary.apply(x, heads, headDim, rotaryDim, Rope.Angles.of(pos, invFreq), 1.25f).data();
        float[] part = new float[4 * heads * rotaryDim];
        for (int r = 0; r < 4 * heads; r++) System.arraycopy(x.data(), r * headDim, part, r * rotaryDim, rotaryDim);
        float[] full = Rotary.apply(Tensor.of(part, 4, heads * rotaryDim), heads, rotaryDim, rotaryDim, Rope.Angles.of(pos, invFreq), 1f).data();
        for (int r = 0; r < 4 * heads; r++) {
            for (int i = 0; i < headDim; i++) {
                float expected = i < rotaryDim ? full[r * rotaryDim + i] * 1.25f : x.data()[r * headDim + i];
                assertEquals(expected, y[r * headDim + i], 1e-6f, "row " + r + " feature " + i);
            }
        }
    }

    @Test
    void attentionVariants() {
        int t = 7, heads = 4, kv = 2, d = 5;
        for (float softcap : new float[]{0f, 1.5f}) {
            for (int window : new int[]{0, 3}) {
                Tensor q = param(1, t, heads * d), k = param(1, t, kv * d), v = param(1, t, kv * d);
                var spec = new Attention.Spec(heads, kv, d, 0.6f, softcap, window);
                check("attention softcap=" + softcap + " window=" + window, List.of(q, k, v),
                        in -> CausalSelfAttention.apply(in.get(0), in.get(1), in.get(2), spec), H, TOL);
            }
        }
    }

    /**
     * Three pre-norm decoder blocks (norm, q/k/v, RoPE, attention, o, residual, norm, gated MLP,
     * residual): many gradients of one length, so the tape hands propagated buffers to later slots
     * (some adopted through Add and Rotary's give, some taken zeroed); the gradient must still be
     * the finite-difference one.
     */
    @Test
    void residualBlocksWithRecycledGradientBuffers() {
        int t = 5, heads = 2, kv = 1, d = 4, hidden = heads * d, inter = 11;
        var spec = new Attention.Spec(heads, kv, d, 0.5f, 0f, 0);
        Rope.Angles angles = Rope.Angles.of(new int[]{0, 1, 2, 3, 4}, new float[]{1f, 0.1f});
        Tensor x = param(1, t, hidden);
        Tensor[][] w = new Tensor[3][];
        for (int l = 0; l < 3; l++) {
            w[l] = new Tensor[]{random(rnd, 0.4f, hidden, hidden), random(rnd, 0.4f, kv * d, hidden),
                    random(rnd, 0.4f, kv * d, hidden), random(rnd, 0.4f, hidden, hidden), random(rnd, 0.4f, inter, hidden),
                    random(rnd, 0.4f, inter, hidden), random(rnd, 0.4f, hidden, inter), random(rnd, 0.3f, hidden)};
        }
        check("residual blocks", List.of(x), in -> {
            Tensor h = in.get(0);
            for (Tensor[] l : w) {
                Tensor n = RmsNorm.apply(h, l[7], 1e-6f, true);
                Tensor q = Rotary.apply(Linear.apply(n, l[0]), heads, d, d, angles, 1f);
                Tensor k = Rotary.apply(Linear.apply(n, l[1]), kv, d, d, angles, 1f);
                h = Add.apply(h, Linear.apply(CausalSelfAttention.apply(q, k, Linear.apply(n, l[2]), spec), l[3]));
                Tensor m = RmsNorm.apply(h, l[7], 1e-6f, false);
                h = Add.apply(h, Linear.apply(GatedActivation.apply(Linear.apply(m, l[4]), Linear.apply(m, l[5]),
                        GatedActivation.Kind.SILU), l[6]));
            }
            return h;
        }, H, TOL);
    }

    @Test
    void activations() {
        for (GatedActivation.Kind kind : GatedActivation.Kind.values()) {
            Tensor g = param(2, 2, 17), u = param(1, 2, 17);
            check("gated " + kind, List.of(g, u), in -> GatedActivation.apply(in.get(0), in.get(1), kind), H, TOL);
        }
        Tensor x = param(4, 2, 9);
        check("softcap", List.of(x), in -> SoftCapping.apply(in.get(0), 3f), H, TOL);
    }

    @Test
    void embeddingAndCrossEntropy() {
        Tensor table = param(1, 11, 6);
        int[] ids = {3, 0, 3, 10};
        check("embedding", List.of(table), in -> EmbeddingLookup.apply(in.get(0), ids), H, TOL);
        Tensor logits = param(2, 4, 23);
        int[] targets = {5, -1, 22, 0};
        check("cross-entropy", List.of(logits), in -> CrossEntropyLoss.apply(in.get(0), targets), H, TOL);
        // logits an op's output read by two losses: the first backward's array becomes the slot's, the second adds
        int[] others = {1, 2, -1, 22};
        check("cross-entropy twice", List.of(logits), in -> {
            Tensor y = Scale.apply(in.get(0), 1.5f);
            return Add.apply(CrossEntropyLoss.apply(y, targets), CrossEntropyLoss.apply(y, others));
        }, H, TOL);
        assertThrows(IllegalArgumentException.class, () -> EmbeddingLookup.apply(table, new int[]{11}));
    }

    @Test
    void rowsSliceConcatReshape() {
        Tensor a = param(1, 3, 5), b = param(1, 2, 5);
        check("concat", List.of(a, b), in -> Rows.concat(in.get(0), in.get(1)), H, TOL);
        check("slice", List.of(a), in -> Rows.slice(in.get(0), 1, 3), H, TOL);
        check("gather", List.of(a), in -> Rows.gather(in.get(0), new int[]{2, 0, 2}), H, TOL); // row 2 twice
        check("reshape", List.of(a), in -> Rows.reshape(in.get(0), 5, 3), H, TOL);
    }

    @Test
    void noTapeNoRecording() {
        Tensor x = param(1, 2, 3);
        Tensor y = Scale.apply(x, 2);
        assertEquals(false, y.requiresGrad(), "without a tape nothing is recorded");
        try (Tape tape = Tape.record()) {
            Tensor frozen = random(rnd, 1, 2, 3);
            assertEquals(false, Scale.apply(frozen, 2).requiresGrad(), "ops on frozen tensors are not recorded");
            assertEquals(true, Scale.apply(x, 2).requiresGrad(), "ops on parameters are");
        }
    }
}
