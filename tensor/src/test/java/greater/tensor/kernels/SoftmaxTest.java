package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class SoftmaxTest {

    @Test
    void handComputed() {
        float l3 = (float) Math.log(3);
        float[] x = {0, l3, 1000, 1000 + l3}; // second row checks the max shift
        float[] out = new float[4];
        Softmax.softmaxRows(out, x, 2, 2);
        // 1000 + ln 3 rounds to 1000 + d in float; the second row's exact answer uses that d.
        double d = x[3] - x[2];
        float p = (float) (1 / (1 + Math.exp(d)));
        assertArrayEquals(new float[]{0.25f, 0.75f, p, 1 - p}, out, 1e-7f);
        Softmax.logSoftmaxRows(out, x, 2, 2);
        float a = (float) Math.log(0.25), b = (float) Math.log(0.75);
        float la = (float) -Math.log1p(Math.exp(d)), lb = (float) (d - Math.log1p(Math.exp(d)));
        assertArrayEquals(new float[]{a, b, la, lb}, out, 3e-7f);
    }

    @Test
    void vectorMatchesScalar() {
        Random rnd = new Random(21);
        for (int rows : new int[]{1, 3, 17}) {
            for (int cols : ODD_SIZES) {
                float[] x = random(rnd, rows * cols, 8f);
                float[] y1 = new float[rows * cols], y2 = new float[rows * cols];
                float[] l1 = new float[rows * cols], l2 = new float[rows * cols];
                Softmax.softmaxRows(y1, x, rows, cols);
                Softmax.softmaxRowsScalar(y2, x, rows, cols);
                Softmax.logSoftmaxRows(l1, x, rows, cols);
                Softmax.logSoftmaxRowsScalar(l2, x, rows, cols);
                String what = "rows=" + rows + " cols=" + cols;
                assertClose(y2, y1, 1e-5, 1e-7, "softmax " + what);
                assertClose(l2, l1, 1e-5, 1e-6, "logSoftmax " + what);
                float[] dy = random(rnd, rows * cols);
                float[] init = random(rnd, rows * cols);
                float[] d1 = init.clone(), d2 = init.clone(), e1 = init.clone(), e2 = init.clone();
                Softmax.softmaxBackwardRows(d1, dy, y1, rows, cols);
                Softmax.softmaxBackwardRowsScalar(d2, dy, y2, rows, cols);
                Softmax.logSoftmaxBackwardRows(e1, dy, l1, rows, cols);
                Softmax.logSoftmaxBackwardRowsScalar(e2, dy, l2, rows, cols);
                assertClose(d2, d1, 1e-5, 1e-6, "softmax backward " + what);
                assertClose(e2, e1, 1e-5, 1e-6, "logSoftmax backward " + what);
            }
        }
    }

    @Test
    void largeRowsUseThreads() {
        Random rnd = new Random(22);
        int rows = 64, cols = 1000;
        float[] x = random(rnd, rows * cols, 20f);
        float[] y1 = new float[rows * cols], y2 = new float[rows * cols];
        Softmax.softmaxRows(y1, x, rows, cols);
        Softmax.softmaxRowsScalar(y2, x, rows, cols);
        assertClose(y2, y1, 1e-5, 1e-8, "softmax");
        Softmax.logSoftmaxRows(y1, x, rows, cols);
        Softmax.logSoftmaxRowsScalar(y2, x, rows, cols);
        assertClose(y2, y1, 1e-5, 1e-5, "logSoftmax");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rnd = new Random(23);
        int rows = 2, cols = 6;
        float[] x = random(rnd, rows * cols, 2f);
        float[] c = random(rnd, rows * cols);
        float[] y = new float[rows * cols];
        float[] num = numericGradient(x, 1e-2f, xx -> {
            Softmax.softmaxRows(y, xx, rows, cols);
            return project(y, c);
        });
        Softmax.softmaxRows(y, x, rows, cols);
        float[] dx = new float[rows * cols];
        Softmax.softmaxBackwardRows(dx, c, y, rows, cols);
        assertGradient(num, dx, 2e-3, "softmax");

        float[] numL = numericGradient(x, 1e-2f, xx -> {
            Softmax.logSoftmaxRows(y, xx, rows, cols);
            return project(y, c);
        });
        Softmax.logSoftmaxRows(y, x, rows, cols);
        float[] dl = new float[rows * cols];
        Softmax.logSoftmaxBackwardRows(dl, c, y, rows, cols);
        assertGradient(numL, dl, 2e-3, "logSoftmax");
    }
}
