package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;

class ActivationsTest {
    private static final float[] XS = {-6, -3, -1, 0.5f, 1, 3};

    @Test
    void handComputedAgainstDoublePrecisionReferences() {
        // Python: 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715x^3))), x/(1+exp(-x)); gated with up = 1.
        float[] geluTanh = {-8.43964897967453e-11f, -0.0036373920817729943f, -0.15880800939172324f,
                0.34571400982514394f, 0.8411919906082768f, 2.996362607918227f};
        float[] silu = {-0.014835738939808647f, -0.14227761953270035f, -0.2689414213699951f,
                0.3112296656009273f, 0.7310585786300049f, 2.8577223804672998f};
        float[] ones = new float[XS.length];
        java.util.Arrays.fill(ones, 1f);
        float[] out = new float[XS.length];
        Activations.gatedGeluTanh(out, XS, ones, XS.length);
        assertClose(geluTanh, out, 1e-6, 0, "geluTanh");
        Activations.gatedSilu(out, XS, ones, XS.length);
        assertClose(silu, out, 1e-6, 0, "silu");
        Activations.softcap(out, new float[]{0, 30, -1000, 1e-3f, 60, -60}, 6, 30f);
        float t1 = (float) (30 * Math.tanh(1)), t2 = (float) (30 * Math.tanh(2));
        assertClose(new float[]{0, t1, -30, 1e-3f, t2, -t2}, out, 1e-6, 0, "softcap");
    }

    @Test
    void extremeInputsStayFinite() {
        float[] x = {-1000, -100, -30, -11, 11, 30, 100, 1000, -1000, -100, -30, -11, 11, 30, 100, 1000, -1000, 1000};
        int n = x.length;
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        // With up = 1: d/dgate → 0 far left, → 1 far right; values → 0 and → x.
        float[] expectedGrad = new float[n];
        for (int i = 0; i < n; i++) expectedGrad[i] = x[i] > 0 ? 1 : 0;
        float[] expectedValue = new float[n];
        for (int i = 0; i < n; i++) expectedValue[i] = x[i] > 0 ? x[i] : 0;
        Gated[] forward = {Activations::gatedSilu, Activations::gatedSiluScalar, Activations::gatedGeluTanh,
                Activations::gatedGeluTanhScalar};
        GatedBackward[] backward = {Activations::gatedSiluBackward, Activations::gatedSiluBackwardScalar,
                Activations::gatedGeluTanhBackward, Activations::gatedGeluTanhBackwardScalar};
        for (int f = 0; f < forward.length; f++) {
            float[] y = new float[n], g = new float[n], u = new float[n];
            forward[f].apply(y, x, ones, n);
            backward[f].apply(g, u, ones, x, ones, n, true);
            // silu(−11) ≈ −1.8e-4 and its slope ≈ −1.5e-4 are the largest deviations from the limits.
            assertClose(expectedValue, y, 1e-6, 2e-4, "value, kernel " + f);
            assertClose(expectedGrad, g, 1e-6, 2e-4, "gradient, kernel " + f);
            assertClose(y, u, 1e-6, 1e-30, "dUp, kernel " + f);
        }
    }

    interface Unary {
        void apply(float[] out, float[] x, int n);
    }

    interface UnaryBackward {
        void apply(float[] dx, float[] dy, float[] x, int n);
    }

    interface Gated {
        void apply(float[] out, float[] gate, float[] up, int n);
    }

    interface GatedBackward {
        void apply(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n, boolean accumulate);
    }

    private static void checkUnary(String name, Unary vec, Unary sca, UnaryBackward bVec, UnaryBackward bSca,
                                   double rtol) {
        Random rnd = new Random(name.hashCode());
        for (int n : new int[]{1, 3, 17, 67, 131, 5000}) {
            float[] x = random(rnd, n, 6f);
            float[] a = new float[n], b = new float[n];
            vec.apply(a, x, n);
            sca.apply(b, x, n);
            assertClose(b, a, rtol, 1e-7, name + " n=" + n);
            float[] dy = random(rnd, n);
            float[] init = random(rnd, n);
            float[] da = init.clone(), db = init.clone();
            bVec.apply(da, dy, x, n);
            bSca.apply(db, dy, x, n);
            assertClose(db, da, rtol, 1e-6, name + " backward n=" + n);
        }
        // Backward against central differences of the forward (double loss, float forward).
        float[] x = random(rnd, 23, 4f);
        float[] c = random(rnd, 23);
        float[] y = new float[23];
        float[] num = numericGradient(x, 1e-2f, xx -> {
            vec.apply(y, xx, 23);
            return project(y, c);
        });
        float[] g = new float[23];
        bVec.apply(g, c, x, 23);
        assertGradient(num, g, 2e-3, name + " finite differences");
    }

    @Test
    void softcap() {
        float cap = 5f;
        checkUnary("softcap", (o, x, n) -> Activations.softcap(o, x, n, cap),
                (o, x, n) -> Activations.softcapScalar(o, x, n, cap),
                // the backward takes the output y: feed it softcap(x)
                (dx, dy, x, n) -> {
                    float[] y = new float[n];
                    Activations.softcap(y, x, n, cap);
                    Activations.softcapBackward(dx, dy, y, n, cap);
                },
                (dx, dy, x, n) -> {
                    float[] y = new float[n];
                    Activations.softcapScalar(y, x, n, cap);
                    Activations.softcapBackwardScalar(dx, dy, y, n, cap);
                }, 1e-5);
    }

    private static void checkGated(String name, Gated vec, Gated sca, GatedBackward bVec, GatedBackward bSca) {
        Random rnd = new Random(name.hashCode());
        for (int n : new int[]{1, 3, 17, 67, 131, 5000}) {
            float[] gate = random(rnd, n, 6f), up = random(rnd, n, 2f);
            float[] a = new float[n], b = new float[n];
            vec.apply(a, gate, up, n);
            sca.apply(b, gate, up, n);
            assertClose(b, a, 1e-5, 1e-7, name + " n=" + n);
            float[] dy = random(rnd, n);
            float[] g0 = random(rnd, n), u0 = random(rnd, n);
            float[] ga = g0.clone(), gb = g0.clone(), ua = u0.clone(), ub = u0.clone();
            bVec.apply(ga, ua, dy, gate, up, n, true);
            bSca.apply(gb, ub, dy, gate, up, n, true);
            assertClose(gb, ga, 1e-5, 1e-6, name + " dGate n=" + n);
            assertClose(ub, ua, 1e-5, 1e-6, name + " dUp n=" + n);
            // written, not added: old contents (NaN here) never read; equal to adding to zeros
            float[] gw = new float[n], uw = new float[n], gz = new float[n], uz = new float[n];
            java.util.Arrays.fill(gw, Float.NaN);
            java.util.Arrays.fill(uw, Float.NaN);
            bVec.apply(gw, uw, dy, gate, up, n, false);
            bVec.apply(gz, uz, dy, gate, up, n, true);
            assertClose(gz, gw, 0, 0, name + " dGate written n=" + n);
            assertClose(uz, uw, 0, 0, name + " dUp written n=" + n);
            java.util.Arrays.fill(gw, Float.NaN);
            java.util.Arrays.fill(uw, Float.NaN);
            bSca.apply(gw, uw, dy, gate, up, n, false);
            bSca.apply(gz = new float[n], uz = new float[n], dy, gate, up, n, true);
            assertClose(gz, gw, 0, 0, name + " scalar dGate written n=" + n);
            assertClose(uz, uw, 0, 0, name + " scalar dUp written n=" + n);
        }
        // gates on both sides of exp's cap (GeLU's −2u reaches 80 at x ≈ −9.67, its forward's exp
        // overflows from x ≈ −10.06; SiLU's −x at x = −80) and far past it: finite, and as the
        // scalar twin; dGate to the smallest normal float, dUp, whose capped x·s is not the
        // forward's −0 there, to 1e-30
        float[] far = {-1e4f, -100f, -81f, -79f, -20f, -12f, -10.1f, -10f, -9.75f, -9.6f, -5f, -0f, 0f, 5f,
                9.6f, 9.75f, 10.1f, 12f, 100f, 1e4f, -3f, 3f, 1f};
        float[] upFar = random(rnd, far.length, 2f), dyFar = random(rnd, far.length);
        float[] ya = new float[far.length], yb = new float[far.length];
        vec.apply(ya, far, upFar, far.length);
        sca.apply(yb, far, upFar, far.length);
        assertClose(yb, ya, 1e-5, 1e-30, name + " far gates");
        float[][] vecGrads = {new float[far.length], new float[far.length]}, scaGrads = {new float[far.length], new float[far.length]};
        bVec.apply(vecGrads[0], vecGrads[1], dyFar, far, upFar, far.length, false);
        bSca.apply(scaGrads[0], scaGrads[1], dyFar, far, upFar, far.length, false);
        assertClose(scaGrads[0], vecGrads[0], 1e-5, Float.MIN_NORMAL, name + " dGate, far gates");
        assertClose(scaGrads[1], vecGrads[1], 1e-5, 1e-30, name + " dUp, far gates");
        // over 2·GRAIN elements the threads take two chunks: a tail inside the first, the second
        // starting at an index that is not a multiple of the vector length
        int big = 2 * Activations.GRAIN + 7;
        float[] gBig = random(rnd, big, 6f), uBig = random(rnd, big, 2f), dyBig = random(rnd, big);
        float[] yBigA = new float[big], yBigB = new float[big];
        vec.apply(yBigA, gBig, uBig, big);
        sca.apply(yBigB, gBig, uBig, big);
        assertClose(yBigB, yBigA, 1e-5, 1e-7, name + " n=" + big);
        for (boolean accumulate : new boolean[]{false, true}) {
            float[] g0 = random(rnd, big), u0 = random(rnd, big);
            float[] ga = g0.clone(), gb = g0.clone(), ua = u0.clone(), ub = u0.clone();
            bVec.apply(ga, ua, dyBig, gBig, uBig, big, accumulate);
            bSca.apply(gb, ub, dyBig, gBig, uBig, big, accumulate);
            assertClose(gb, ga, 1e-5, 1e-6, name + " dGate n=" + big + " accumulate=" + accumulate);
            assertClose(ub, ua, 1e-5, 1e-6, name + " dUp n=" + big + " accumulate=" + accumulate);
        }
        int n = 19;
        float[] gate = random(rnd, n, 4f), up = random(rnd, n, 2f), c = random(rnd, n);
        float[] y = new float[n];
        float[] numG = numericGradient(gate, 1e-2f, gg -> {
            vec.apply(y, gg, up, n);
            return project(y, c);
        });
        float[] numU = numericGradient(up, 1e-2f, uu -> {
            vec.apply(y, gate, uu, n);
            return project(y, c);
        });
        float[] dG = new float[n], dU = new float[n];
        bVec.apply(dG, dU, c, gate, up, n, true);
        assertGradient(numG, dG, 2e-3, name + " dGate finite differences");
        assertGradient(numU, dU, 2e-3, name + " dUp finite differences");
    }

    @Test
    void gatedSilu() {
        checkGated("gatedSilu", Activations::gatedSilu, Activations::gatedSiluScalar,
                Activations::gatedSiluBackward, Activations::gatedSiluBackwardScalar);
    }

    @Test
    void gatedGeluTanh() {
        checkGated("gatedGeluTanh", Activations::gatedGeluTanh, Activations::gatedGeluTanhScalar,
                Activations::gatedGeluTanhBackward, Activations::gatedGeluTanhBackwardScalar);
    }
}
