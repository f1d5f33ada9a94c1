// Vector forms of Norms (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/** The Vector API side of {@link Norms}. */
final class NormsVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private NormsVector() {
    }

    static void rmsNorm(float[] out, float[] x, int rows, int dim, MemorySegment w, DType wType, float eps,
                        boolean addOne, float[] rstd) {
        float[] g = Norms.gain(w, wType, dim, addOne);
        Parallel.forRange(rows, Math.max(1, Norms.GRAIN / Math.max(1, dim)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * dim;
                float rs = (float) (1.0 / Math.sqrt(Elementwise.dot(x, o, x, o, dim) / dim + eps));
                if (rstd != null) rstd[r] = rs;
                int c = 0;
                for (int bound = F.loopBound(dim); c < bound; c += L) {
                    FloatVector.fromArray(F, x, o + c).mul(rs).mul(FloatVector.fromArray(F, g, c)).intoArray(out, o + c);
                }
                for (; c < dim; c++) out[o + c] = x[o + c] * rs * g[c];
            }
        });
    }

    static void rmsNormBackward(float[] dx, float[] dy, float[] x, float[] rstd, int rows, int dim,
                                MemorySegment w, DType wType, boolean addOne, float[] dw) {
        float[] g = Norms.gain(w, wType, dim, addOne);
        Parallel.forRange(rows, Math.max(1, Norms.GRAIN / Math.max(1, dim)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * dim;
                float rs = rstd[r];
                FloatVector acc = FloatVector.zero(F);
                int c = 0;
                for (int bound = F.loopBound(dim); c < bound; c += L) {
                    FloatVector dyg = FloatVector.fromArray(F, dy, o + c).mul(FloatVector.fromArray(F, g, c));
                    acc = dyg.fma(FloatVector.fromArray(F, x, o + c), acc);
                }
                float dot = VectorMath.sum(acc);
                for (int t = c; t < dim; t++) dot += dy[o + t] * g[t] * x[o + t];
                float coef = dot * rs * rs / dim;
                c = 0;
                for (int bound = F.loopBound(dim); c < bound; c += L) {
                    FloatVector dyg = FloatVector.fromArray(F, dy, o + c).mul(FloatVector.fromArray(F, g, c));
                    FloatVector v = dyg.sub(FloatVector.fromArray(F, x, o + c).mul(coef));
                    v.fma(FloatVector.broadcast(F, rs), FloatVector.fromArray(F, dx, o + c)).intoArray(dx, o + c);
                }
                for (; c < dim; c++) dx[o + c] += rs * (dy[o + c] * g[c] - x[o + c] * coef);
            }
        });
        if (dw == null) return;
        int blocks = Math.ceilDiv(dim, L);
        Parallel.forRange(blocks, Math.max(1, Norms.GRAIN / Math.max(1, rows * L)), (b0, b1) -> {
            int c0 = b0 * L, c1 = Math.min(dim, b1 * L);
            int c = c0;
            for (; c + L <= c1; c += L) {
                FloatVector acc = FloatVector.fromArray(F, dw, c);
                for (int r = 0; r < rows; r++) {
                    int o = r * dim + c;
                    acc = FloatVector.fromArray(F, dy, o).mul(FloatVector.fromArray(F, x, o)).fma(FloatVector.broadcast(F, rstd[r]), acc);
                }
                acc.intoArray(dw, c);
            }
            for (; c < c1; c++) {
                float s = dw[c];
                for (int r = 0; r < rows; r++) s += dy[r * dim + c] * x[r * dim + c] * rstd[r];
                dw[c] = s;
            }
        });
    }
}
