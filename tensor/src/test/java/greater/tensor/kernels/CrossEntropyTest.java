package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CrossEntropyTest {

    @Test
    void handComputed() {
        // Row 0: logits [0, ln 3] → p = [1/4, 3/4], target 1 → loss ln(4/3). Row 1 ignored. Row 2 shifted by 1e4.
        float l3 = (float) Math.log(3);
        float[] logits = {0, l3, 5, 7, 1e4f, 1e4f + l3};
        float[] loss = new float[3], stats = new float[6];
        float sum = CrossEntropy.crossEntropyRows(loss, stats, logits, 3, 2, new int[]{1, -1, 0});
        assertEquals(Math.log(4.0 / 3), loss[0], 1e-6);
        assertEquals(0f, loss[1]);
        assertEquals(Math.log(4.0), loss[2], 2e-3); // 1e4 + ln 3 is only representable to ~1e-3
        assertEquals(loss[0] + loss[2], sum, 1e-6);
        float[] d = new float[6];
        java.util.Arrays.fill(d, Float.NaN); // the backward overwrites whatever was there, ignored rows too
        CrossEntropy.crossEntropyBackward(d, logits, stats, 3, 2, new int[]{1, -1, 0}, new float[]{2, 5, 1});
        assertClose(new float[]{0.5f, -0.5f, 0, 0, -0.75f, 0.75f}, d, 0, 2e-4, "dLogits");
    }

    @Test
    void vectorMatchesScalar() {
        Random rnd = new Random(61);
        for (int rows : new int[]{1, 3, 17}) {
            for (int cols : ODD_SIZES) {
                float[] logits = random(rnd, rows * cols, 10f);
                int[] targets = new int[rows];
                for (int r = 0; r < rows; r++) targets[r] = rnd.nextInt(cols + 1) - 1;
                float[] l1 = new float[rows], l2 = new float[rows], st1 = new float[2 * rows], st2 = new float[2 * rows];
                float s1 = CrossEntropy.crossEntropyRows(l1, st1, logits, rows, cols, targets);
                float s2 = CrossEntropy.crossEntropyRowsScalar(l2, st2, logits, rows, cols, targets);
                String what = "rows=" + rows + " cols=" + cols;
                assertClose(l2, l1, 1e-5, 1e-6, "loss " + what);
                assertClose(s2, s1, 1e-5, 1e-6, "sum " + what);
                float[] g = random(rnd, rows);
                // different old contents on each side: both must overwrite every element
                float[] d1 = random(rnd, rows * cols), d2 = random(rnd, rows * cols);
                CrossEntropy.crossEntropyBackward(d1, logits, st1, rows, cols, targets, g);
                CrossEntropy.crossEntropyBackwardScalar(d2, logits, st2, rows, cols, targets, g);
                assertClose(d2, d1, 1e-5, 1e-6, "backward " + what);
            }
        }
        int rows = 40, cols = 32001; // vocabulary-sized rows, threaded
        float[] logits = random(rnd, rows * cols, 15f);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = rnd.nextInt(cols);
        float[] l1 = new float[rows], l2 = new float[rows], st1 = new float[2 * rows], st2 = new float[2 * rows];
        CrossEntropy.crossEntropyRows(l1, st1, logits, rows, cols, targets);
        CrossEntropy.crossEntropyRowsScalar(l2, st2, logits, rows, cols, targets);
        assertClose(l2, l1, 1e-5, 1e-5, "vocab-sized loss");
        float[] g = random(rnd, rows);
        float[] d1 = new float[rows * cols], d2 = new float[rows * cols];
        CrossEntropy.crossEntropyBackward(d1, logits, st1, rows, cols, targets, g);
        CrossEntropy.crossEntropyBackwardScalar(d2, logits, st2, rows, cols, targets, g);
        assertClose(d2, d1, 1e-5, 1e-8, "vocab-sized backward");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rnd = new Random(62);
        int rows = 3, cols = 7;
        float[] logits = random(rnd, rows * cols, 3f);
        int[] targets = {4, -1, 0};
        float[] w = {0.7f, 2f, -1.3f};
        float[] loss = new float[rows], stats = new float[2 * rows];
        float[] num = numericGradient(logits, 1e-2f, x -> {
            CrossEntropy.crossEntropyRows(loss, null, x, rows, cols, targets);
            return project(loss, w);
        });
        float[] d = new float[rows * cols];
        CrossEntropy.crossEntropyRows(loss, stats, logits, rows, cols, targets);
        CrossEntropy.crossEntropyBackward(d, logits, stats, rows, cols, targets, w);
        assertGradient(num, d, 2e-3, "dLogits");
    }
}
