// Row-wise softmax and log-softmax.
//   rows = independent distributions, cols = classes per row; every array is [rows,cols];
//   L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * softmax(x)_c = exp(x_c − max) / Σ exp(x − max); the max shift keeps exp from overflowing.
 * Threads split the rows; each row is vectorised along cols with a scalar tail.
 */
public final class Softmax {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Elements per parallel task. */
    static final int GRAIN = 1 << 14;

    private Softmax() {
    }

    static int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(1, cols));
    }

    public static void softmaxRows(float[] out, float[] x, int rows, int cols) {
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                float max = max(x, o, cols);
                float sum = expShifted(out, x, o, cols, max);
                scaleRow(out, o, cols, 1f / sum);
            }
        });
    }

    public static void softmaxRowsScalar(float[] out, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
            float sum = 0f;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(x[o + c] - max);
                out[o + c] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int c = 0; c < cols; c++) out[o + c] *= inv;
        }
    }

    /** log-softmax(x)_c = (x_c − max) − log Σ exp(x − max), subtracting max first so large logits lose no precision. */
    public static void logSoftmaxRows(float[] out, float[] x, int rows, int cols) {
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                float max = max(x, o, cols);
                float logSum = (float) Math.log(sumExp(x, o, cols, max));
                int c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    FloatVector.fromArray(F, x, o + c).sub(max).sub(logSum).intoArray(out, o + c);
                }
                for (; c < cols; c++) out[o + c] = (x[o + c] - max) - logSum;
            }
        });
    }

    public static void logSoftmaxRowsScalar(float[] out, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
            float sum = 0f;
            for (int c = 0; c < cols; c++) sum += (float) Math.exp(x[o + c] - max);
            float logSum = (float) Math.log(sum);
            for (int c = 0; c < cols; c++) out[o + c] = (x[o + c] - max) - logSum;
        }
    }

    /** Jacobian-vector product of softmax: dx += y·(dy − Σ dy·y). */
    public static void softmaxBackwardRows(float[] dx, float[] dy, float[] y, int rows, int cols) {
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                float dot = Elementwise.dot(dy, o, y, o, cols);
                int c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    FloatVector yv = FloatVector.fromArray(F, y, o + c);
                    FloatVector g = FloatVector.fromArray(F, dy, o + c).sub(dot);
                    yv.fma(g, FloatVector.fromArray(F, dx, o + c)).intoArray(dx, o + c);
                }
                for (; c < cols; c++) dx[o + c] += y[o + c] * (dy[o + c] - dot);
            }
        });
    }

    public static void softmaxBackwardRowsScalar(float[] dx, float[] dy, float[] y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float dot = 0f;
            for (int c = 0; c < cols; c++) dot += dy[o + c] * y[o + c];
            for (int c = 0; c < cols; c++) dx[o + c] += y[o + c] * (dy[o + c] - dot);
        }
    }

    /** With y = log-softmax(x): dx += dy − exp(y)·Σ dy. */
    public static void logSoftmaxBackwardRows(float[] dx, float[] dy, float[] y, int rows, int cols) {
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                float sum = sum(dy, o, cols);
                int c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    FloatVector p = FloatVector.fromArray(F, y, o + c).lanewise(VectorOperators.EXP);
                    FloatVector d = FloatVector.fromArray(F, dx, o + c).add(FloatVector.fromArray(F, dy, o + c));
                    p.mul(-sum).add(d).intoArray(dx, o + c);
                }
                for (; c < cols; c++) dx[o + c] += dy[o + c] - (float) Math.exp(y[o + c]) * sum;
            }
        });
    }

    public static void logSoftmaxBackwardRowsScalar(float[] dx, float[] dy, float[] y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float sum = 0f;
            for (int c = 0; c < cols; c++) sum += dy[o + c];
            for (int c = 0; c < cols; c++) dx[o + c] += dy[o + c] - (float) Math.exp(y[o + c]) * sum;
        }
    }

    // ---- row primitives shared with CrossEntropy and Attention ----------------------------------

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

    /** Σ_c x[o+c]. */
    static float sum(float[] x, int o, int n) {
        FloatVector s = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) s = s.add(FloatVector.fromArray(F, x, o + c));
        float total = s.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) total += x[o + c];
        return total;
    }

    /** Σ_c exp(x[o+c] − max). */
    static float sumExp(float[] x, int o, int n, float max) {
        FloatVector s = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) {
            s = s.add(FloatVector.fromArray(F, x, o + c).sub(max).lanewise(VectorOperators.EXP));
        }
        float total = s.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) total += (float) Math.exp(x[o + c] - max);
        return total;
    }

    /** out[o+c] = exp(x[o+c] − max); returns their sum. out may be x. */
    static float expShifted(float[] out, float[] x, int o, int n, float max) {
        FloatVector s = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) {
            FloatVector e = FloatVector.fromArray(F, x, o + c).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(out, o + c);
            s = s.add(e);
        }
        float total = s.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            float e = (float) Math.exp(x[o + c] - max);
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
