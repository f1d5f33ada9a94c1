// Dense products in the nn.Linear layout.
//   m = rows of the input (tokens), k = input features, n = output features.
//   x [m,k], W [n,k] (row-major, as stored by PyTorch Linear), out/dy [m,n].
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

/** out = x·Wᵀ and its two gradients. */
public final class MatMul {
    private MatMul() {
    }

    /** out[m,n] = x[m,k]·W[n,k]ᵀ (overwrites out). */
    public static void matmul(float[] out, float[] x, int m, int k, MemorySegment w, DType wType, int n) {
        matmulScalar(out, x, m, k, w, wType, n);
    }

    public static void matmulScalar(float[] out, float[] x, int m, int k, MemorySegment w, DType wType, int n) {
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            Weights.read(row, 0, w, wType, (long) j * k, k);
            for (int i = 0; i < m; i++) {
                float s = 0f;
                int xo = i * k;
                for (int p = 0; p < k; p++) s += x[xo + p] * row[p];
                out[i * n + j] = s;
            }
        }
    }

    /** dx[m,k] += dy[m,n]·W[n,k]. */
    public static void accumulateInputGrad(float[] dx, float[] dy, int m, int n, MemorySegment w, DType wType, int k) {
        accumulateInputGradScalar(dx, dy, m, n, w, wType, k);
    }

    public static void accumulateInputGradScalar(float[] dx, float[] dy, int m, int n, MemorySegment w, DType wType, int k) {
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            Weights.read(row, 0, w, wType, (long) j * k, k);
            for (int i = 0; i < m; i++) {
                float g = dy[i * n + j];
                if (g == 0f) continue;
                int xo = i * k;
                for (int p = 0; p < k; p++) dx[xo + p] += g * row[p];
            }
        }
    }

    /** dw[n,k] += Σ_m dy[m,n]·x[m,k]. */
    public static void accumulateWeightGrad(float[] dw, float[] dy, float[] x, int m, int n, int k) {
        accumulateWeightGradScalar(dw, dy, x, m, n, k);
    }

    public static void accumulateWeightGradScalar(float[] dw, float[] dy, float[] x, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            int xo = i * k;
            for (int j = 0; j < n; j++) {
                float g = dy[i * n + j];
                if (g == 0f) continue;
                int wo = j * k;
                for (int p = 0; p < k; p++) dw[wo + p] += g * x[xo + p];
            }
        }
    }

    /** out[m,n] = a[m,k]·b[n,k]ᵀ for plain arrays. */
    public static void matmulF32(float[] out, float[] a, int m, int k, float[] b, int n) {
        matmul(out, a, m, k, MemorySegment.ofArray(b), DType.F32, n);
    }

    public static void matmulF32Scalar(float[] out, float[] a, int m, int k, float[] b, int n) {
        matmulScalar(out, a, m, k, MemorySegment.ofArray(b), DType.F32, n);
    }
}
