package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RopeTest {

    static float[] invFreq(int headDim, double theta) {
        int half = headDim / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) f[i] = (float) (1.0 / Math.pow(theta, 2.0 * i / headDim));
        return f;
    }

    @Test
    void handComputed() {
        // headDim 4, one head; invFreq = [1, 0]: pair (0,2) rotates by pos radians, pair (1,3) stays.
        float[] x = {1, 2, 0, 3};
        Rope.rope(x, 1, 1, 4, new int[]{2}, new float[]{1, 0}, false);
        float c = (float) Math.cos(2f), s = (float) Math.sin(2f);
        assertArrayEquals(new float[]{c, 2, s, 3}, x, 1e-7f);
        Rope.rope(x, 1, 1, 4, new int[]{2}, new float[]{1, 0}, true);
        assertArrayEquals(new float[]{1, 2, 0, 3}, x, 1e-6f);
    }

    @Test
    void vectorMatchesScalarAndInverseRestores() {
        Random rnd = new Random(31);
        for (int headDim : new int[]{2, 6, 34, 64, 134, 256}) {
            for (int rows : new int[]{1, 3, 17}) {
                for (int heads : new int[]{1, 3}) {
                    int[] pos = new int[rows];
                    for (int r = 0; r < rows; r++) pos[r] = rnd.nextInt(5000);
                    float[] f = invFreq(headDim, 10000);
                    float[] x = random(rnd, rows * heads * headDim);
                    float[] a = x.clone(), b = x.clone();
                    Rope.rope(a, rows, heads, headDim, pos, f, false);
                    Rope.ropeScalar(b, rows, heads, headDim, pos, f, false);
                    String what = "headDim=" + headDim + " rows=" + rows + " heads=" + heads;
                    assertClose(b, a, 1e-5, 1e-6, what);
                    for (int r = 0; r < rows * heads; r++) { // rotations keep each head's norm
                        assertEquals(norm(x, r * headDim, headDim), norm(a, r * headDim, headDim), 1e-4, what);
                    }
                    Rope.rope(a, rows, heads, headDim, pos, f, true);
                    Rope.ropeScalar(b, rows, heads, headDim, pos, f, true);
                    assertClose(b, a, 1e-5, 1e-6, "inverse " + what);
                    assertClose(x, a, 0, 1e-5, "round trip " + what);
                }
            }
        }
    }

    @Test
    void inverseIsTheBackward() {
        Random rnd = new Random(32);
        int rows = 2, heads = 2, headDim = 6;
        int[] pos = {3, 11};
        float[] f = invFreq(headDim, 100);
        float[] x = random(rnd, rows * heads * headDim);
        float[] c = random(rnd, x.length);
        float[] num = numericGradient(x, 1e-2f, xx -> {
            float[] y = xx.clone();
            Rope.rope(y, rows, heads, headDim, pos, f, false);
            return project(y, c);
        });
        float[] g = c.clone();
        Rope.rope(g, rows, heads, headDim, pos, f, true);
        assertGradient(num, g, 1e-3, "rope backward");
    }

    private static double norm(float[] a, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[off + i] * a[off + i];
        return Math.sqrt(s);
    }
}
