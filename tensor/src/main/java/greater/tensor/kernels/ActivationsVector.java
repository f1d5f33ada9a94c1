// Vector forms of Activations (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API side of {@link Activations}: float lanes with {@link VectorMath}'s exp/tanh (the same
 * bits interpreted and compiled); tails use its scalar ranges.
 */
final class ActivationsVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    private ActivationsVector() {
    }

    static void gatedSilu(float[] out, float[] gate, float[] up, int n) {
        Activations.split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                siluV(FloatVector.fromArray(F, gate, i)).mul(FloatVector.fromArray(F, up, i)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> Activations.gatedSiluRange(out, gate, up, from, to));
    }

    static void gatedSiluBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                  boolean accumulate) {
        Activations.split(n, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(F);
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(F, gate, i), d = FloatVector.fromArray(F, dy, i);
                FloatVector e = VectorMath.exp(g.neg().min(Activations.EXP_CAP));
                FloatVector s = ONE.div(e.add(1f));
                FloatVector grad = s.mul(g.mul(e).mul(s).add(1f));
                d.mul(FloatVector.fromArray(F, up, i)).fma(grad, accumulate ? FloatVector.fromArray(F, dGate, i) : zero)
                        .intoArray(dGate, i);
                d.fma(g.mul(s), accumulate ? FloatVector.fromArray(F, dUp, i) : zero).intoArray(dUp, i);
            }
            return i;
        }, (from, to) -> Activations.gatedSiluBackwardRange(dGate, dUp, dy, gate, up, from, to, accumulate));
    }

    static void gatedGeluTanh(float[] out, float[] gate, float[] up, int n) {
        Activations.split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                geluTanhV(FloatVector.fromArray(F, gate, i)).mul(FloatVector.fromArray(F, up, i)).intoArray(out, i);
            }
            return i;
        }, (from, to) -> Activations.gatedGeluTanhRange(out, gate, up, from, to));
    }

    static void gatedGeluTanhBackward(float[] dGate, float[] dUp, float[] dy, float[] gate, float[] up, int n,
                                      boolean accumulate) {
        Activations.split(n, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(F);
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(F, gate, i), d = FloatVector.fromArray(F, dy, i);
                d.mul(FloatVector.fromArray(F, up, i)).fma(geluTanhGradV(g), accumulate ? FloatVector.fromArray(F, dGate, i) : zero)
                        .intoArray(dGate, i);
                d.fma(geluTanhV(g), accumulate ? FloatVector.fromArray(F, dUp, i) : zero).intoArray(dUp, i);
            }
            return i;
        }, (from, to) -> Activations.gatedGeluTanhBackwardRange(dGate, dUp, dy, gate, up, from, to, accumulate));
    }

    static void softcap(float[] out, float[] x, int n, float cap) {
        float inv = 1f / cap;
        Activations.split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                VectorMath.tanh(FloatVector.fromArray(F, x, i).mul(inv)).mul(cap).intoArray(out, i);
            }
            return i;
        }, (from, to) -> Activations.softcapRange(out, x, cap, from, to));
    }

    static void softcapBackward(float[] dx, float[] dy, float[] y, int n, float cap) {
        float inv = 1f / cap;
        Activations.split(n, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector t = FloatVector.fromArray(F, y, i).mul(inv);
                FloatVector g = t.mul(t).neg().add(1f);
                g.fma(FloatVector.fromArray(F, dy, i), FloatVector.fromArray(F, dx, i)).intoArray(dx, i);
            }
            return i;
        }, (from, to) -> Activations.softcapBackwardRange(dx, dy, y, cap, from, to));
    }

    static FloatVector siluV(FloatVector x) {
        return x.div(VectorMath.exp(x.neg()).add(1f));
    }

    /** x·σ(2u): equal to 0.5x(1 + tanh u), without the cancellation of 1 + tanh u where u ≪ 0. */
    static FloatVector geluTanhV(FloatVector x) {
        FloatVector u2 = x.mul(x).mul((float) Activations.GELU_TANH_CUBIC).add(1f).mul(x).mul((float) (-2 * Activations.GELU_TANH_SCALE));
        return x.div(VectorMath.exp(u2).add(1f));
    }

    /**
     * With e = exp(−2u), s = σ(2u) = 1/(1 + e): d/dx = s + 2x·s(1 − s)·u′, u′ = √(2/π)(1 + 3·0.044715x²),
     * and s(1 − s) = e·s², which keeps its relative accuracy where s rounds to 1.
     */
    static FloatVector geluTanhGradV(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector e = VectorMath.exp(x2.mul((float) Activations.GELU_TANH_CUBIC).add(1f).mul(x)
                .mul((float) (-2 * Activations.GELU_TANH_SCALE)).min(Activations.EXP_CAP));
        FloatVector s = ONE.div(e.add(1f));
        FloatVector du = x2.mul((float) (3 * Activations.GELU_TANH_CUBIC)).add(1f).mul((float) (2 * Activations.GELU_TANH_SCALE));
        return s.add(x.mul(e).mul(s).mul(s).mul(du));
    }
}
