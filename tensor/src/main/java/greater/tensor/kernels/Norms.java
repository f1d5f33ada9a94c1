// Root-mean-square normalisation over the last dimension.
//   rows = independent vectors (tokens), dim = features normalised together.
//   x, out, dx, dy [rows,dim]; w, dw [dim]; rstd [rows].
// Vector forms: NormsVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * RMSNorm (Zhang and Sennrich 2019) as in HF Llama/Qwen (gain w) and Gemma (gain 1 + w), in float32
 * as HF computes it. Threads split the rows (the weight gradient: the columns).
 */
public final class Norms {
    /** Elements per parallel task. */
    static final int GRAIN = 1 << 14;

    private Norms() {
    }

    /** out = x·rstd·g with g = addOne ? 1 + w : w and rstd[r] = 1/√(mean(x_r²) + eps); rstd may be null. */
    public static void rmsNorm(float[] out, float[] x, int rows, int dim, MemorySegment w, DType wType, float eps,
                               boolean addOne, float[] rstd) {
        if (VectorApi.ENABLED) NormsVector.rmsNorm(out, x, rows, dim, w, wType, eps, addOne, rstd);
        else rmsNormScalar(out, x, rows, dim, w, wType, eps, addOne, rstd);
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
        if (VectorApi.ENABLED) NormsVector.rmsNormBackward(dx, dy, x, rstd, rows, dim, w, wType, addOne, dw);
        else rmsNormBackwardScalar(dx, dy, x, rstd, rows, dim, w, wType, addOne, dw);
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
