// Pointwise activations, their gated (GLU) forms and logit soft-capping.
//   n = element count; every array is [n] (flat; the caller's shape does not matter).
package greater.tensor.kernels;

/** Backward kernels accumulate into their gradient outputs. */
public final class Activations {
    /** √(2/π), the GELU tanh-approximation scale (Hendrycks and Gimpel 2016). */
    static final double GELU_TANH_SCALE = 0.7978845608028654;
    static final double GELU_TANH_CUBIC = 0.044715;
    static final double INV_SQRT2 = 0.7071067811865476;
    /** 1/√(2π): the standard normal density at 0. */
    static final double INV_SQRT_2PI = 0.3989422804014327;
    static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private Activations() {
    }

    // ---- SiLU: x·σ(x) -------------------------------------------------------------------------

    public static void silu(float[] out, float[] x, int n) {
        siluScalar(out, x, n);
    }

    public static void siluScalar(float[] out, float[] x, int n) {
        for (int i = 0; i < n; i++) out[i] = siluOf(x[i]);
    }

    /** d silu/dx = σ(x)·(1 + x·(1 − σ(x))). */
    public static void siluBackward(float[] dx, float[] dy, float[] x, int n) {
        siluBackwardScalar(dx, dy, x, n);
    }

    public static void siluBackwardScalar(float[] dx, float[] dy, float[] x, int n) {
        for (int i = 0; i < n; i++) dx[i] += dy[i] * siluGrad(x[i]);
    }

    // ---- GELU, tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) ------------------------

    public static void geluTanh(float[] out, float[] x, int n) {
        geluTanhScalar(out, x, n);
    }

    public static void geluTanhScalar(float[] out, float[] x, int n) {
        for (int i = 0; i < n; i++) out[i] = geluTanhOf(x[i]);
    }

    /** With u = √(2/π)(x + 0.044715x³), t = tanh u: d/dx = 0.5(1 + t) + 0.5x(1 − t²)√(2/π)(1 + 3·0.044715x²). */
    public static void geluTanhBackward(float[] dx, float[] dy, float[] x, int n) {
        geluTanhBackwardScalar(dx, dy, x, n);
    }

    public static void geluTanhBackwardScalar(float[] dx, float[] dy, float[] x, int n) {
        for (int i = 0; i < n; i++) dx[i] += dy[i] * geluTanhGrad(x[i]);
    }

    // ---- GELU, exact: x·Φ(x) = 0.5x(1 + erf(x/√2)) = 0.5x·erfc(−x/√2) ------------------------------

    public static void geluExact(float[] out, float[] x, int n) {
        geluExactScalar(out, x, n);
    }

    public static void geluExactScalar(float[] out, float[] x, int n) {
        for (int i = 0; i < n; i++) out[i] = geluExactOf(x[i]);
    }

    /** d/dx xΦ(x) = Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π). */
    public static void geluExactBackward(float[] dx, float[] dy, float[] x, int n) {
        geluExactBackwardScalar(dx, dy, x, n);
    }

    public static void geluExactBackwardScalar(float[] dx, float[] dy, float[] x, int n) {
        for (int i = 0; i < n; i++) dx[i] += dy[i] * geluExactGrad(x[i]);
    }

    // ---- gated forms (GLU MLPs, Shazeer 2020): out = act(gate)·up ----------------------------------

    /** SwiGLU: out = silu(gate)·up. */
    public static void gatedSilu(float[] out, float[] gate, float[] up, int n) {
        gatedSiluScalar(out, gate, up, n);
    }

    public static void gatedSiluScalar(float[] out, float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) out[i] = siluOf(gate[i]) * up[i];
    }

    /** dGate += dy·up·silu'(gate), dUp += dy·silu(gate). */
    public static void gatedSiluBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n) {
        gatedSiluBackwardScalar(dGate, dUp, dy, gate, up, n);
    }

    public static void gatedSiluBackwardScalar(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            dGate[i] += dy[i] * up[i] * siluGrad(gate[i]);
            dUp[i] += dy[i] * siluOf(gate[i]);
        }
    }

    /** GeGLU with Gemma's gelu_pytorch_tanh: out = geluTanh(gate)·up. */
    public static void gatedGeluTanh(float[] out, float[] gate, float[] up, int n) {
        gatedGeluTanhScalar(out, gate, up, n);
    }

    public static void gatedGeluTanhScalar(float[] out, float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) out[i] = geluTanhOf(gate[i]) * up[i];
    }

    public static void gatedGeluTanhBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n) {
        gatedGeluTanhBackwardScalar(dGate, dUp, dy, gate, up, n);
    }

    public static void gatedGeluTanhBackwardScalar(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                                   int n) {
        for (int i = 0; i < n; i++) {
            dGate[i] += dy[i] * up[i] * geluTanhGrad(gate[i]);
            dUp[i] += dy[i] * geluTanhOf(gate[i]);
        }
    }

    // ---- soft-capping (Gemma 2): cap·tanh(x/cap) --------------------------------------------------

    public static void softcap(float[] out, float[] x, int n, float cap) {
        softcapScalar(out, x, n, cap);
    }

    public static void softcapScalar(float[] out, float[] x, int n, float cap) {
        for (int i = 0; i < n; i++) out[i] = cap * (float) Math.tanh(x[i] / cap);
    }

    /** From the output y = cap·tanh(x/cap): dy/dx = 1 − tanh² = 1 − (y/cap)². */
    public static void softcapBackward(float[] dx, float[] dy, float[] y, int n, float cap) {
        softcapBackwardScalar(dx, dy, y, n, cap);
    }

    public static void softcapBackwardScalar(float[] dx, float[] dy, float[] y, int n, float cap) {
        for (int i = 0; i < n; i++) {
            float t = y[i] / cap;
            dx[i] += dy[i] * (1f - t * t);
        }
    }

    // ---- scalar definitions shared by the twins ---------------------------------------------------

    static float siluOf(float x) {
        return x / (1f + (float) Math.exp(-x));
    }

    static float siluGrad(float x) {
        float s = 1f / (1f + (float) Math.exp(-x));
        return s * (1f + x * (1f - s));
    }

    static float geluTanhOf(float x) {
        double u = GELU_TANH_SCALE * (x + GELU_TANH_CUBIC * x * x * x);
        return (float) (0.5 * x * (1 + Math.tanh(u)));
    }

    static float geluTanhGrad(float x) {
        double xd = x;
        double u = GELU_TANH_SCALE * (xd + GELU_TANH_CUBIC * xd * xd * xd);
        double t = Math.tanh(u);
        return (float) (0.5 * (1 + t) + 0.5 * xd * (1 - t * t) * GELU_TANH_SCALE * (1 + 3 * GELU_TANH_CUBIC * xd * xd));
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
