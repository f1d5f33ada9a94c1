// Row primitives of softmax on the Vector API, shared by the vector forms of CrossEntropy and
// Attention (loaded only when VectorApi.ENABLED).
//   o = offset of a row, n = its length; L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * softmax(x)_c = exp(x_c − max) / Σ exp(x − max); the max shift keeps exp from overflowing.
 * Each row is vectorised along its length with a scalar tail; exp and the lane sums are
 * {@link VectorMath}'s, so a row gives the same bits interpreted and compiled, on any thread.
 */
final class SoftmaxVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private SoftmaxVector() {
    }

    /** max_c x[o+c] (−∞ for an empty row). */
    static float max(float[] x, int o, int n) {
        float max = Float.NEGATIVE_INFINITY;
        int c = 0;
        if (n >= L) {
            FloatVector m = FloatVector.fromArray(F, x, o);
            for (c = L; c + L <= n; c += L) m = m.max(FloatVector.fromArray(F, x, o + c));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; c < n; c++) max = Math.max(max, x[o + c]);
        return max;
    }

    /** Σ_c exp(x[o+c] − max); lanes is scratch of exactly L floats (see {@link VectorMath#sumInPlace}). */
    static float sumExp(float[] x, int o, int n, float max, float[] lanes) {
        FloatVector s = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) {
            s = s.add(VectorMath.exp(FloatVector.fromArray(F, x, o + c).sub(max)));
        }
        s.intoArray(lanes, 0);
        float total = VectorMath.sumInPlace(lanes);
        for (; c < n; c++) total += (float) Math.exp(x[o + c] - max);
        return total;
    }

    /**
     * out[o+c] = exp((x[o+c] − max)·scale); returns their sum. out may be x; lanes is scratch of
     * exactly L floats.
     */
    static float expShifted(float[] out, float[] x, int o, int n, float max, float scale, float[] lanes) {
        FloatVector s = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, o + c).sub(max).mul(scale));
            e.intoArray(out, o + c);
            s = s.add(e);
        }
        s.intoArray(lanes, 0);
        float total = VectorMath.sumInPlace(lanes);
        for (; c < n; c++) {
            float e = (float) Math.exp((x[o + c] - max) * scale);
            out[o + c] = e;
            total += e;
        }
        return total;
    }

    /** x[o+c] *= s. */
    static void scaleRow(float[] x, int o, int n, float s) {
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) FloatVector.fromArray(F, x, o + c).mul(s).intoArray(x, o + c);
        for (; c < n; c++) x[o + c] *= s;
    }
}
