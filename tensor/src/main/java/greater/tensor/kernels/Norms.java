// Root-mean-square normalisation over the last dimension.
//   rows = independent vectors (tokens), dim = features normalised together.
//   x, out, dx, dy [rows,dim]; w, dw [dim]; rstd [rows]; L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * RMSNorm (Zhang and Sennrich 2019) as in HF Llama/Qwen (gain w) and Gemma (gain 1 + w), in float32
 * as HF computes it. Threads split the rows (the weight gradient: the columns).
 */
public final class Norms {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Elements per parallel task. */
    static final int GRAIN = 1 << 14;

    private Norms() {
    }

    /** out = x·rstd·g with g = addOne ? 1 + w : w and rstd[r] = 1/√(mean(x_r²) + eps); rstd may be null. */
    public static void rmsNorm(float[] out, float[] x, int rows, int dim, MemorySegment w, DType wType, float eps,
                               boolean addOne, float[] rstd) {
        float[] g = gain(w, wType, dim, addOne);
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, dim)), (r0, r1) -> {
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

    public static void rmsNormScalar(float[] out, float[] x, int rows, int dim, MemorySegment w, DType wType, float eps,
                                     boolean addOne, float[] rstd) {
        float[] g = gainScalar(w, wType, dim, addOne);
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float ss = 0f;
            for (int c = 0; c < dim; c++) ss += x[o + c] * x[o + c];
            float rs = (float) (1.0 / Math.sqrt(ss / dim + eps));
            if (rstd != null) rstd[r] = rs;
            for (int c = 0; c < dim; c++) out[o + c] = x[o + c] * rs * g[c];
        }
    }

    /**
     * With x̂ = x·rstd and y = x̂·g: dx += rstd·(dy·g − x̂·mean(dy·g·x̂)), dw += Σ_r dy·x̂
     * (the 1 of Gemma's 1 + w has no gradient, so dw is the same for both forms).
     */
    public static void rmsNormBackward(float[] dx, float[] dy, float[] x, float[] rstd, int rows, int dim,
                                       MemorySegment w, DType wType, boolean addOne, float[] dw) {
        float[] g = gain(w, wType, dim, addOne);
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, dim)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * dim;
                float rs = rstd[r];
                FloatVector acc = FloatVector.zero(F);
                int c = 0;
                for (int bound = F.loopBound(dim); c < bound; c += L) {
                    FloatVector dyg = FloatVector.fromArray(F, dy, o + c).mul(FloatVector.fromArray(F, g, c));
                    acc = dyg.fma(FloatVector.fromArray(F, x, o + c), acc);
                }
                float dot = acc.reduceLanes(VectorOperators.ADD);
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
        int blocks = (dim + L - 1) / L;
        Parallel.forRange(blocks, Math.max(1, GRAIN / Math.max(1, rows * L)), (b0, b1) -> {
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

    public static void rmsNormBackwardScalar(float[] dx, float[] dy, float[] x, float[] rstd, int rows, int dim,
                                             MemorySegment w, DType wType, boolean addOne, float[] dw) {
        float[] g = gainScalar(w, wType, dim, addOne);
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float rs = rstd[r];
            float dot = 0f;
            for (int c = 0; c < dim; c++) dot += dy[o + c] * g[c] * x[o + c];
            float coef = dot * rs * rs / dim;
            for (int c = 0; c < dim; c++) dx[o + c] += rs * (dy[o + c] * g[c] - x[o + c] * coef);
            if (dw != null) {
                for (int c = 0; c < dim; c++) dw[c] += dy[o + c] * x[o + c] * rs;
            }
        }
    }

    /** The per-feature gain as floats: w, or 1 + w. */
    static float[] gain(MemorySegment w, DType wType, int dim, boolean addOne) {
        float[] g = new float[dim];
        Weights.read(g, 0, w, wType, 0, dim);
        if (addOne) for (int c = 0; c < dim; c++) g[c] += 1f;
        return g;
    }

    static float[] gainScalar(MemorySegment w, DType wType, int dim, boolean addOne) {
        float[] g = new float[dim];
        Weights.readScalar(g, 0, w, wType, 0, dim);
        if (addOne) for (int c = 0; c < dim; c++) g[c] += 1f;
        return g;
    }
}
