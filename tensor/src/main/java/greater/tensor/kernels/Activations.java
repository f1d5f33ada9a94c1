// Gated (GLU) MLP activations and logit soft-capping.
//   n = element count; every array is [n] (flat; the caller's shape does not matter);
//   L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward kernels accumulate into their gradient outputs. Vector forms compute in float with the
 * Vector API's exp/tanh; the scalar twins compute each element in double where that is cheap.
 * Tails use the scalar forms.
 */
public final class Activations {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    /** Elements per parallel task (transcendental-heavy, so smaller than Elementwise's). */
    static final int GRAIN = 1 << 14;

    /** √(2/π), the GELU tanh-approximation scale (Hendrycks and Gimpel 2016). */
    static final double GELU_TANH_SCALE = 0.7978845608028654;
    static final double GELU_TANH_CUBIC = 0.044715;
    /** Largest exponent fed to exp in gradients: e^80 ≈ 5.5e34 is finite in float, and σ(−80) ≈ 0. */
    static final float EXP_CAP = 80f;

    private Activations() {
    }

    @FunctionalInterface
    private interface Range {
        /** Processes [from, to) and returns the first index it left for the scalar tail. */
        int run(int from, int to);
    }

    @FunctionalInterface
    private interface Tail {
        void run(int from, int to);
    }

    /** Splits [0, n) over threads; each chunk runs its vector body, then the scalar tail. */
    private static void split(int n, Range vector, Tail scalar) {
        Parallel.forRange(n, GRAIN, (from, to) -> scalar.run(vector.run(from, to), to));
    }

    // ---- gated forms (GLU MLPs, Shazeer 2020): out = act(gate)·up ----------------------------------

    /** SwiGLU: out = silu(gate)·up. */
    public static void gatedSilu(float[] out, float[] gate, float[] up, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                siluV(FloatVector.fromArray(F, gate, i)).mul(FloatVector.fromArray(F, up, i)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> gatedSiluRange(out, gate, up, from, to));
    }

    public static void gatedSiluScalar(float[] out, float[] gate, float[] up, int n) {
        gatedSiluRange(out, gate, up, 0, n);
    }

    private static void gatedSiluRange(float[] out, float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) out[i] = siluOf(gate[i]) * up[i];
    }

    /** dGate += dy·up·silu'(gate), dUp += dy·silu(gate). */
    public static void gatedSiluBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(F, gate, i), d = FloatVector.fromArray(F, dy, i);
                FloatVector e = g.neg().min(EXP_CAP).lanewise(VectorOperators.EXP);
                FloatVector s = ONE.div(e.add(1f));
                FloatVector grad = s.mul(g.mul(e).mul(s).add(1f));
                d.mul(FloatVector.fromArray(F, up, i)).fma(grad, FloatVector.fromArray(F, dGate, i)).intoArray(dGate, i);
                d.fma(g.mul(s), FloatVector.fromArray(F, dUp, i)).intoArray(dUp, i);
            }
            return i;
        }, (from, to) -> gatedSiluBackwardRange(dGate, dUp, dy, gate, up, from, to));
    }

    public static void gatedSiluBackwardScalar(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n) {
        gatedSiluBackwardRange(dGate, dUp, dy, gate, up, 0, n);
    }

    private static void gatedSiluBackwardRange(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                               int from, int to) {
        for (int i = from; i < to; i++) {
            dGate[i] += dy[i] * up[i] * siluGrad(gate[i]);
            dUp[i] += dy[i] * siluOf(gate[i]);
        }
    }

    /** GeGLU with Gemma's gelu_pytorch_tanh: out = geluTanh(gate)·up. */
    public static void gatedGeluTanh(float[] out, float[] gate, float[] up, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                geluTanhV(FloatVector.fromArray(F, gate, i)).mul(FloatVector.fromArray(F, up, i)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> gatedGeluTanhRange(out, gate, up, from, to));
    }

    public static void gatedGeluTanhScalar(float[] out, float[] gate, float[] up, int n) {
        gatedGeluTanhRange(out, gate, up, 0, n);
    }

    private static void gatedGeluTanhRange(float[] out, float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) out[i] = geluTanhOf(gate[i]) * up[i];
    }

    /** dGate += dy·up·geluTanh'(gate), dUp += dy·geluTanh(gate). */
    public static void gatedGeluTanhBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(F, gate, i), d = FloatVector.fromArray(F, dy, i);
                d.mul(FloatVector.fromArray(F, up, i)).fma(geluTanhGradV(g), FloatVector.fromArray(F, dGate, i))
                        .intoArray(dGate, i);
                d.fma(geluTanhV(g), FloatVector.fromArray(F, dUp, i)).intoArray(dUp, i);
            }
            return i;
        }, (from, to) -> gatedGeluTanhBackwardRange(dGate, dUp, dy, gate, up, from, to));
    }

    public static void gatedGeluTanhBackwardScalar(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                                   int n) {
        gatedGeluTanhBackwardRange(dGate, dUp, dy, gate, up, 0, n);
    }

    private static void gatedGeluTanhBackwardRange(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                                   int from, int to) {
        for (int i = from; i < to; i++) {
            dGate[i] += dy[i] * up[i] * geluTanhGrad(gate[i]);
            dUp[i] += dy[i] * geluTanhOf(gate[i]);
        }
    }

    // ---- soft-capping (Gemma 2): cap·tanh(x/cap) --------------------------------------------------

    public static void softcap(float[] out, float[] x, int n, float cap) {
        float inv = 1f / cap;
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, x, i).mul(inv).lanewise(VectorOperators.TANH).mul(cap).intoArray(out, i);
            }
            return i;
        }, (from, to) -> softcapRange(out, x, cap, from, to));
    }

    public static void softcapScalar(float[] out, float[] x, int n, float cap) {
        softcapRange(out, x, cap, 0, n);
    }

    private static void softcapRange(float[] out, float[] x, float cap, int from, int to) {
        for (int i = from; i < to; i++) out[i] = cap * (float) Math.tanh(x[i] / cap);
    }

    /** From the output y = cap·tanh(x/cap): dy/dx = 1 − tanh² = 1 − (y/cap)². */
    public static void softcapBackward(float[] dx, float[] dy, float[] y, int n, float cap) {
        float inv = 1f / cap;
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector t = FloatVector.fromArray(F, y, i).mul(inv);
                FloatVector g = t.mul(t).neg().add(1f);
                g.fma(FloatVector.fromArray(F, dy, i), FloatVector.fromArray(F, dx, i)).intoArray(dx, i);
            }
            return i;
        }, (from, to) -> softcapBackwardRange(dx, dy, y, cap, from, to));
    }

    public static void softcapBackwardScalar(float[] dx, float[] dy, float[] y, int n, float cap) {
        softcapBackwardRange(dx, dy, y, cap, 0, n);
    }

    private static void softcapBackwardRange(float[] dx, float[] dy, float[] y, float cap, int from, int to) {
        for (int i = from; i < to; i++) {
            float t = y[i] / cap;
            dx[i] += dy[i] * (1f - t * t);
        }
    }

    // ---- vector definitions -----------------------------------------------------------------------

    static FloatVector siluV(FloatVector x) {
        return x.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    /** x·σ(2u): equal to 0.5x(1 + tanh u), without the cancellation of 1 + tanh u where u ≪ 0. */
    static FloatVector geluTanhV(FloatVector x) {
        FloatVector u2 = x.mul(x).mul((float) GELU_TANH_CUBIC).add(1f).mul(x).mul((float) (-2 * GELU_TANH_SCALE));
        return x.div(u2.lanewise(VectorOperators.EXP).add(1f));
    }

    /**
     * With e = exp(−2u), s = σ(2u) = 1/(1 + e): d/dx = s + 2x·s(1 − s)·u′, u′ = √(2/π)(1 + 3·0.044715x²),
     * and s(1 − s) = e·s², which keeps its relative accuracy where s rounds to 1.
     */
    static FloatVector geluTanhGradV(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector e = x2.mul((float) GELU_TANH_CUBIC).add(1f).mul(x).mul((float) (-2 * GELU_TANH_SCALE))
                .min(EXP_CAP).lanewise(VectorOperators.EXP);
        FloatVector s = ONE.div(e.add(1f));
        FloatVector du = x2.mul((float) (3 * GELU_TANH_CUBIC)).add(1f).mul((float) (2 * GELU_TANH_SCALE));
        return s.add(x.mul(e).mul(s).mul(s).mul(du));
    }

    // ---- scalar definitions -----------------------------------------------------------------------

    static float siluOf(float x) {
        return x / (1f + (float) Math.exp(-x));
    }

    static float siluGrad(float x) {
        double e = Math.exp(Math.min(-x, EXP_CAP)), s = 1 / (1 + e);
        return (float) (s * (1 + x * e * s));
    }

    static float geluTanhOf(float x) {
        double xd = x;
        double u = GELU_TANH_SCALE * (xd + GELU_TANH_CUBIC * xd * xd * xd);
        return (float) (xd / (1 + Math.exp(-2 * u)));
    }

    static float geluTanhGrad(float x) {
        double xd = x;
        double u = GELU_TANH_SCALE * (xd + GELU_TANH_CUBIC * xd * xd * xd);
        double e = Math.exp(Math.min(-2 * u, EXP_CAP)), s = 1 / (1 + e);
        return (float) (s + 2 * xd * e * s * s * GELU_TANH_SCALE * (1 + 3 * GELU_TANH_CUBIC * xd * xd));
    }
}
