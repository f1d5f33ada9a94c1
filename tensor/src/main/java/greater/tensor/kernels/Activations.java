// Gated (GLU) MLP activations and logit soft-capping.
//   n = element count; every array is [n] (flat; the caller's shape does not matter);
// Vector forms: ActivationsVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

/**
 * Backward kernels add into their gradient outputs (the gated ones write them instead when not
 * accumulate: an autograd closure's first gradient for gate and up). Vector forms compute in float with
 * {@link VectorMath}'s exp/tanh (within 1 and 2 ulp, the same bits interpreted and compiled, see
 * {@link VectorApi}); the scalar twins compute each element in double where that is cheap. Tails use
 * the scalar forms, so a different thread count, which moves the chunk ends, may change the last bits.
 */
public final class Activations {
    /** Elements per parallel task (transcendental-heavy, so smaller than Elementwise's). */
    static final int GRAIN = 1 << 14;

    /** √(2/π), the GELU tanh-approximation scale (Hendrycks and Gimpel 2016). */
    static final double GELU_TANH_SCALE = 0.7978845608028654;
    static final double GELU_TANH_CUBIC = 0.044715;
    /** Largest exponent fed to exp in gradients: e^80 ≈ 5.5e34 is finite in float, and σ(−80) ≈ 0. */
    static final float EXP_CAP = 80f;

    private Activations() {
    }

    // ---- gated forms (GLU MLPs, Shazeer 2020): out = act(gate)·up ----------------------------------

    /** SwiGLU: out = silu(gate)·up. */
    public static void gatedSilu(float[] out, float[] gate, float[] up, int n) {
        if (VectorApi.ENABLED) ActivationsVector.gatedSilu(out, gate, up, n);
        else gatedSiluScalar(out, gate, up, n);
    }

    public static void gatedSiluScalar(float[] out, float[] gate, float[] up, int n) {
        gatedSiluRange(out, gate, up, 0, n);
    }

    static void gatedSiluRange(float[] out, float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) out[i] = siluOf(gate[i]) * up[i];
    }

    /** dGate (+)= dy·up·silu'(gate), dUp (+)= dy·silu(gate): added when accumulate, else written. */
    public static void gatedSiluBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                         boolean accumulate) {
        if (VectorApi.ENABLED) ActivationsVector.gatedSiluBackward(dGate, dUp, dy, gate, up, n, accumulate);
        else gatedSiluBackwardScalar(dGate, dUp, dy, gate, up, n, accumulate);
    }

    public static void gatedSiluBackwardScalar(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                               boolean accumulate) {
        gatedSiluBackwardRange(dGate, dUp, dy, gate, up, 0, n, accumulate);
    }

    static void gatedSiluBackwardRange(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                       int from, int to, boolean accumulate) {
        for (int i = from; i < to; i++) {
            float g = dy[i] * up[i] * siluGrad(gate[i]), u = dy[i] * siluOf(gate[i]);
            dGate[i] = accumulate ? dGate[i] + g : g;
            dUp[i] = accumulate ? dUp[i] + u : u;
        }
    }

    /** GeGLU with Gemma's gelu_pytorch_tanh: out = geluTanh(gate)·up. */
    public static void gatedGeluTanh(float[] out, float[] gate, float[] up, int n) {
        if (VectorApi.ENABLED) ActivationsVector.gatedGeluTanh(out, gate, up, n);
        else gatedGeluTanhScalar(out, gate, up, n);
    }

    public static void gatedGeluTanhScalar(float[] out, float[] gate, float[] up, int n) {
        gatedGeluTanhRange(out, gate, up, 0, n);
    }

    static void gatedGeluTanhRange(float[] out, float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) out[i] = geluTanhOf(gate[i]) * up[i];
    }

    /** dGate (+)= dy·up·geluTanh'(gate), dUp (+)= dy·geluTanh(gate): added when accumulate, else written. */
    public static void gatedGeluTanhBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                             boolean accumulate) {
        if (VectorApi.ENABLED) ActivationsVector.gatedGeluTanhBackward(dGate, dUp, dy, gate, up, n, accumulate);
        else gatedGeluTanhBackwardScalar(dGate, dUp, dy, gate, up, n, accumulate);
    }

    public static void gatedGeluTanhBackwardScalar(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                                   int n, boolean accumulate) {
        gatedGeluTanhBackwardRange(dGate, dUp, dy, gate, up, 0, n, accumulate);
    }

    static void gatedGeluTanhBackwardRange(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up,
                                           int from, int to, boolean accumulate) {
        for (int i = from; i < to; i++) {
            float g = dy[i] * up[i] * geluTanhGrad(gate[i]), u = dy[i] * geluTanhOf(gate[i]);
            dGate[i] = accumulate ? dGate[i] + g : g;
            dUp[i] = accumulate ? dUp[i] + u : u;
        }
    }

    // ---- soft-capping (Gemma 2): cap·tanh(x/cap) --------------------------------------------------

    public static void softcap(float[] out, float[] x, int n, float cap) {
        if (VectorApi.ENABLED) ActivationsVector.softcap(out, x, n, cap);
        else softcapScalar(out, x, n, cap);
    }

    public static void softcapScalar(float[] out, float[] x, int n, float cap) {
        softcapRange(out, x, cap, 0, n);
    }

    static void softcapRange(float[] out, float[] x, float cap, int from, int to) {
        for (int i = from; i < to; i++) out[i] = cap * (float) Math.tanh(x[i] / cap);
    }

    /** From the output y = cap·tanh(x/cap): dy/dx = 1 − tanh² = 1 − (y/cap)². */
    public static void softcapBackward(float[] dx, float[] dy, float[] y, int n, float cap) {
        if (VectorApi.ENABLED) ActivationsVector.softcapBackward(dx, dy, y, n, cap);
        else softcapBackwardScalar(dx, dy, y, n, cap);
    }

    public static void softcapBackwardScalar(float[] dx, float[] dy, float[] y, int n, float cap) {
        softcapBackwardRange(dx, dy, y, cap, 0, n);
    }

    static void softcapBackwardRange(float[] dx, float[] dy, float[] y, float cap, int from, int to) {
        for (int i = from; i < to; i++) {
            float t = y[i] / cap;
            dx[i] += dy[i] * (1f - t * t);
        }
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
