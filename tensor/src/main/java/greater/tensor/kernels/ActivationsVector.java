// Vector forms of Activations (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API side of {@link Activations}: float lanes with {@link VectorMath}'s exp/tanh (the same
 * bits interpreted and compiled); tails use its scalar ranges. Each kernel hands
 * {@link Parallel#forRange} its own lambda (vector loop, then the scalar tail): through one shared
 * helper lambda that called the vector loops through an interface, C2 inlined the two loops it saw
 * most into that lambda, ran past its inlining node limit and boxed their vectors (the SiLU
 * backward 3–4× slower in a model's gradient than alone, benchmarks/README.md, twelfth pass).
 */
final class ActivationsVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    private ActivationsVector() {
    }

    static void gatedSilu(float[] out, float[] gate, float[] up, int n) {
        Parallel.forRange(n, Activations.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                siluV(FloatVector.fromArray(F, gate, i)).mul(FloatVector.fromArray(F, up, i)).intoArray(out, i);
            }
            Activations.gatedSiluRange(out, gate, up, i, to);
        });
    }

    static void gatedSiluBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                  boolean accumulate) {
        Parallel.forRange(n, Activations.GRAIN, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(F);
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(F, gate, i), d = FloatVector.fromArray(F, dy, i);
                FloatVector e = VectorMath.exp(g.neg().min(Activations.EXP_CAP)), s = ONE.div(e.add(1f));
                // silu′ = s(1 + g·e·s), e·s ≤ 1 formed first: g·e overflows from |g| ≈ 6e3
                d.mul(FloatVector.fromArray(F, up, i)).fma(s.mul(g.mul(e.mul(s)).add(1f)),
                        accumulate ? FloatVector.fromArray(F, dGate, i) : zero).intoArray(dGate, i);
                d.fma(g.mul(s), accumulate ? FloatVector.fromArray(F, dUp, i) : zero).intoArray(dUp, i);
            }
            Activations.gatedSiluBackwardRange(dGate, dUp, dy, gate, up, i, to, accumulate);
        });
    }

    static void gatedGeluTanh(float[] out, float[] gate, float[] up, int n) {
        Parallel.forRange(n, Activations.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                geluTanhV(FloatVector.fromArray(F, gate, i)).mul(FloatVector.fromArray(F, up, i)).intoArray(out, i);
            }
            Activations.gatedGeluTanhRange(out, gate, up, i, to);
        });
    }

    /**
     * One exp per element for both factors (the forward's geluTanhV and a gradient of its own each
     * took one: 0.8–1.06 ms at 256×1536, now 0.23–0.25, benchmarks/README.md). dUp's gelu = x·s
     * agrees with the forward's within rounding, not bit for bit, and with e capped at exp(EXP_CAP)
     * (reached from x ≈ −9.67) is about |x|·1.8e-35 where the forward's x/(1 + e) is smaller (−0
     * from x ≈ −10.06, where exp overflows).
     */
    static void gatedGeluTanhBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                      boolean accumulate) {
        Parallel.forRange(n, Activations.GRAIN, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(F);
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, gate, i), d = FloatVector.fromArray(F, dy, i), x2 = x.mul(x);
                FloatVector e = geluTanhExp(x, x2), s = ONE.div(e.add(1f));
                d.mul(FloatVector.fromArray(F, up, i)).fma(geluTanhGrad(x, x2, e, s),
                        accumulate ? FloatVector.fromArray(F, dGate, i) : zero).intoArray(dGate, i);
                d.fma(x.mul(s), accumulate ? FloatVector.fromArray(F, dUp, i) : zero).intoArray(dUp, i);
            }
            Activations.gatedGeluTanhBackwardRange(dGate, dUp, dy, gate, up, i, to, accumulate);
        });
    }

    static void softcap(float[] out, float[] x, int n, float cap) {
        float inv = 1f / cap;
        Parallel.forRange(n, Activations.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                VectorMath.tanh(FloatVector.fromArray(F, x, i).mul(inv)).mul(cap).intoArray(out, i);
            }
            Activations.softcapRange(out, x, cap, i, to);
        });
    }

    static void softcapBackward(float[] dx, float[] dy, float[] y, int n, float cap) {
        float inv = 1f / cap;
        Parallel.forRange(n, Activations.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector t = FloatVector.fromArray(F, y, i).mul(inv);
                FloatVector g = t.mul(t).neg().add(1f);
                g.fma(FloatVector.fromArray(F, dy, i), FloatVector.fromArray(F, dx, i)).intoArray(dx, i);
            }
            Activations.softcapBackwardRange(dx, dy, y, cap, i, to);
        });
    }

    static FloatVector siluV(FloatVector x) {
        return x.div(VectorMath.exp(x.neg()).add(1f));
    }

    /** x·σ(2u): equal to 0.5x(1 + tanh u), without the cancellation of 1 + tanh u where u ≪ 0. */
    static FloatVector geluTanhV(FloatVector x) {
        FloatVector u2 = x.mul(x).mul((float) Activations.GELU_TANH_CUBIC).add(1f).mul(x).mul((float) (-2 * Activations.GELU_TANH_SCALE));
        return x.div(VectorMath.exp(u2).add(1f));
    }

    /** e = exp(−2u) for gelu's u = √(2/π)(x + 0.044715x³), x2 = x², capped at exp(EXP_CAP). */
    private static FloatVector geluTanhExp(FloatVector x, FloatVector x2) {
        return VectorMath.exp(x2.fma(GELU_CUBIC, ONE).mul(x).mul(GELU_MINUS_2K).min(Activations.EXP_CAP));
    }

    /**
     * gelu′(x) from x2 = x², e = exp(−2u) (geluTanhExp) and s = σ(2u) = 1/(1 + e):
     * s + 2x·s(1 − s)·u′, u′ = √(2/π)(1 + 3·0.044715x²), with s(1 − s) = e·s², which keeps its
     * relative accuracy where s rounds to 1; e·s² ≤ 1 is formed before x multiplies it (x·e overflows
     * from |x| ≈ 6e3). Few vector operations (two fused multiply-adds): each costs C2 inlining
     * nodes, and past its limit the loop's vectors are boxed.
     */
    private static FloatVector geluTanhGrad(FloatVector x, FloatVector x2, FloatVector e, FloatVector s) {
        return x.mul(e.mul(s).mul(s)).fma(x2.fma(GELU_DU_X2, GELU_DU_1), s);
    }

    private static final FloatVector GELU_CUBIC = FloatVector.broadcast(F, (float) Activations.GELU_TANH_CUBIC);
    private static final FloatVector GELU_MINUS_2K = FloatVector.broadcast(F, (float) (-2 * Activations.GELU_TANH_SCALE));
    /** u′·2 = 2√(2/π)(1 + 3·0.044715x²) = GELU_DU_X2·x² + GELU_DU_1. */
    private static final FloatVector GELU_DU_X2 = FloatVector.broadcast(F, (float) (6 * Activations.GELU_TANH_CUBIC * Activations.GELU_TANH_SCALE));
    private static final FloatVector GELU_DU_1 = FloatVector.broadcast(F, (float) (2 * Activations.GELU_TANH_SCALE));
}
