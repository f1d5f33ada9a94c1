// Row-wise softmax and log-softmax.
//   rows = independent distributions, cols = classes per row; every array is [rows,cols].
package greater.tensor.kernels;

/** softmax(x)_c = exp(x_c − max) / Σ exp(x − max); the max shift keeps exp from overflowing. */
public final class Softmax {
    private Softmax() {
    }

    public static void softmaxRows(float[] out, float[] x, int rows, int cols) {
        softmaxRowsScalar(out, x, rows, cols);
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
        logSoftmaxRowsScalar(out, x, rows, cols);
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
        softmaxBackwardRowsScalar(dx, dy, y, rows, cols);
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
        logSoftmaxBackwardRowsScalar(dx, dy, y, rows, cols);
    }

    public static void logSoftmaxBackwardRowsScalar(float[] dx, float[] dy, float[] y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float sum = 0f;
            for (int c = 0; c < cols; c++) sum += dy[o + c];
            for (int c = 0; c < cols; c++) dx[o + c] += dy[o + c] - (float) Math.exp(y[o + c]) * sum;
        }
    }
}
