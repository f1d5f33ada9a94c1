// Pointwise activations, their gated (GLU) forms and logit soft-capping.
//   n = element count; every array is [n] (flat; the caller's shape does not matter);
//   L = float lanes of FloatVector.SPECIES_PREFERRED, DL = double lanes of DoubleVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward kernels accumulate into their gradient outputs. Vector forms compute in float with the
 * Vector API's exp/tanh, except exact GELU, which runs in double lanes for its 1e-7 accuracy; the
 * scalar twins compute each element in double where that is cheap. Tails use the scalar forms.
 */
public final class Activations {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = D.length();
    /** DL floats: the float vector one double vector converts to and from. */
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class, VectorShape.forBitSize(DL * Float.SIZE));
    /** Elements per parallel task (transcendental-heavy, so smaller than Elementwise's). */
    static final int GRAIN = 1 << 14;

    /** √(2/π), the GELU tanh-approximation scale (Hendrycks and Gimpel 2016). */
    static final double GELU_TANH_SCALE = 0.7978845608028654;
    static final double GELU_TANH_CUBIC = 0.044715;
    static final double INV_SQRT2 = 0.7071067811865476;
    /** 1/√(2π): the standard normal density at 0. */
    static final double INV_SQRT_2PI = 0.3989422804014327;
    static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
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

    // ---- SiLU: x·σ(x) = x / (1 + e^−x) ------------------------------------------------------------

    public static void silu(float[] out, float[] x, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                siluV(FloatVector.fromArray(F, x, i)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> siluRange(out, x, from, to));
    }

    public static void siluScalar(float[] out, float[] x, int n) {
        siluRange(out, x, 0, n);
    }

    private static void siluRange(float[] out, float[] x, int from, int to) {
        for (int i = from; i < to; i++) out[i] = siluOf(x[i]);
    }

    /** d silu/dx = σ(x)·(1 + x·(1 − σ(x))), with 1 − σ(x) = e^−x·σ(x). */
    public static void siluBackward(float[] dx, float[] dy, float[] x, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = siluGradV(FloatVector.fromArray(F, x, i));
                g.fma(FloatVector.fromArray(F, dy, i), FloatVector.fromArray(F, dx, i)).intoArray(dx, i);
            }
            return i;
        }, (from, to) -> siluBackwardRange(dx, dy, x, from, to));
    }

    public static void siluBackwardScalar(float[] dx, float[] dy, float[] x, int n) {
        siluBackwardRange(dx, dy, x, 0, n);
    }

    private static void siluBackwardRange(float[] dx, float[] dy, float[] x, int from, int to) {
        for (int i = from; i < to; i++) dx[i] += dy[i] * siluGrad(x[i]);
    }

    // ---- GELU, tanh approximation: 0.5x(1 + tanh u), u = √(2/π)(x + 0.044715x³) ---------------------
    // computed as x·σ(2u) (0.5(1 + tanh u) = σ(2u)), which stays accurate where tanh u → −1.

    public static void geluTanh(float[] out, float[] x, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                geluTanhV(FloatVector.fromArray(F, x, i)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> geluTanhRange(out, x, from, to));
    }

    public static void geluTanhScalar(float[] out, float[] x, int n) {
        geluTanhRange(out, x, 0, n);
    }

    private static void geluTanhRange(float[] out, float[] x, int from, int to) {
        for (int i = from; i < to; i++) out[i] = geluTanhOf(x[i]);
    }

    /** d/dx = 0.5(1 + t) + 0.5x(1 − t²)u′ with t = tanh u, i.e. s + 2x·s(1 − s)u′ with s = σ(2u). */
    public static void geluTanhBackward(float[] dx, float[] dy, float[] x, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = geluTanhGradV(FloatVector.fromArray(F, x, i));
                g.fma(FloatVector.fromArray(F, dy, i), FloatVector.fromArray(F, dx, i)).intoArray(dx, i);
            }
            return i;
        }, (from, to) -> geluTanhBackwardRange(dx, dy, x, from, to));
    }

    public static void geluTanhBackwardScalar(float[] dx, float[] dy, float[] x, int n) {
        geluTanhBackwardRange(dx, dy, x, 0, n);
    }

    private static void geluTanhBackwardRange(float[] dx, float[] dy, float[] x, int from, int to) {
        for (int i = from; i < to; i++) dx[i] += dy[i] * geluTanhGrad(x[i]);
    }

    // ---- GELU, exact: x·Φ(x) = 0.5x(1 + erf(x/√2)) = 0.5x·erfc(−x/√2) ------------------------------

    public static void geluExact(float[] out, float[] x, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + FD.loopBound(to - from); i < bound; i += DL) {
                DoubleVector xd = (DoubleVector) FloatVector.fromArray(FD, x, i).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector y = xd.mul(0.5).mul(erfcV(xd.mul(-INV_SQRT2)));
                ((FloatVector) y.convertShape(VectorOperators.D2F, FD, 0)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> geluExactRange(out, x, from, to));
    }

    public static void geluExactScalar(float[] out, float[] x, int n) {
        geluExactRange(out, x, 0, n);
    }

    private static void geluExactRange(float[] out, float[] x, int from, int to) {
        for (int i = from; i < to; i++) out[i] = geluExactOf(x[i]);
    }

    /** d/dx xΦ(x) = Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π). */
    public static void geluExactBackward(float[] dx, float[] dy, float[] x, int n) {
        split(n, (from, to) -> {
            int i = from;
            for (int bound = from + FD.loopBound(to - from); i < bound; i += DL) {
                DoubleVector xd = (DoubleVector) FloatVector.fromArray(FD, x, i).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector density = xd.mul(xd).mul(-0.5).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
                DoubleVector g = erfcV(xd.mul(-INV_SQRT2)).mul(0.5).add(xd.mul(density));
                FloatVector gf = (FloatVector) g.convertShape(VectorOperators.D2F, FD, 0);
                gf.fma(FloatVector.fromArray(FD, dy, i), FloatVector.fromArray(FD, dx, i)).intoArray(dx, i);
            }
            return i;
        }, (from, to) -> geluExactBackwardRange(dx, dy, x, from, to));
    }

    public static void geluExactBackwardScalar(float[] dx, float[] dy, float[] x, int n) {
        geluExactBackwardRange(dx, dy, x, 0, n);
    }

    private static void geluExactBackwardRange(float[] dx, float[] dy, float[] x, int from, int to) {
        for (int i = from; i < to; i++) dx[i] += dy[i] * geluExactGrad(x[i]);
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

    /**
     * With e = exp(−x), s = 1/(1 + e): σ′ terms use 1 − s = e·s, accurate where s rounds to 1. The
     * exponent is capped at EXP_CAP so e stays finite (an infinite e would make x·e·s a NaN).
     */
    static FloatVector siluGradV(FloatVector x) {
        FloatVector e = x.neg().min(EXP_CAP).lanewise(VectorOperators.EXP);
        FloatVector s = ONE.div(e.add(1f));
        return s.mul(x.mul(e).mul(s).add(1f));
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

    /** {@link #erfc(double)} on double lanes. */
    static DoubleVector erfcV(DoubleVector x) {
        DoubleVector z = x.abs();
        DoubleVector t = DoubleVector.broadcast(D, 1).div(z.mul(0.5).add(1));
        DoubleVector p = t.mul(0.17087277).add(-0.82215223).mul(t).add(1.48851587).mul(t).add(-1.13520398).mul(t)
                .add(0.27886807).mul(t).add(-0.18628806).mul(t).add(0.09678418).mul(t).add(0.37409196).mul(t)
                .add(1.00002368).mul(t).add(-1.26551223);
        DoubleVector r = t.mul(z.mul(z).neg().add(p).lanewise(VectorOperators.EXP));
        VectorMask<Double> negative = x.compare(VectorOperators.LT, 0);
        return r.blend(r.neg().add(2), negative);
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

    static float geluExactOf(float x) {
        return (float) (0.5 * x * erfc(-x * INV_SQRT2));
    }

    static float geluExactGrad(float x) {
        double xd = x;
        return (float) (0.5 * erfc(-xd * INV_SQRT2) + xd * Math.exp(-0.5 * xd * xd) * INV_SQRT_2PI);
    }

    /**
     * erf(x): the Maclaurin series 2/√π·Σ (−1)ⁿx²ⁿ⁺¹/(n!(2n+1)) for |x| < 0.5 (seven terms, relative
     * error below 1e-9 there, where 1 − erfc(x) would lose the relative accuracy), else 1 − erfc(x).
     */
    public static double erf(double x) {
        if (Math.abs(x) >= 0.5) return 1 - erfc(x);
        double x2 = x * x;
        double s = 1 + x2 * (-1.0 / 3 + x2 * (1.0 / 10 + x2 * (-1.0 / 42 + x2 * (1.0 / 216
                + x2 * (-1.0 / 1320 + x2 * (1.0 / 9360))))));
        return TWO_OVER_SQRT_PI * x * s;
    }

    /**
     * Complementary error function, fractional error below 1.2e-7 everywhere (Chebyshev fit of
     * Press et al., Numerical Recipes, §6.2 "erfcc"): for z = |x|, t = 1/(1 + z/2),
     * erfc(z) = t·exp(−z² + P(t)), P a degree-9 polynomial; erfc(−z) = 2 − erfc(z). Relative
     * accuracy of erfc (not erf) is what keeps 0.5x·erfc(−x/√2) accurate deep in the negative tail.
     */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double r = t * Math.exp(-z * z + p);
        return x >= 0 ? r : 2 - r;
    }
}
