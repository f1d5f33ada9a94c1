package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        Rope.rope(x, 1, 4, Rope.Angles.of(new int[]{2}, new float[]{1, 0}), false);
        float c = (float) Math.cos(2f), s = (float) Math.sin(2f);
        assertArrayEquals(new float[]{c, 2, s, 3}, x, 1e-7f);
        Rope.rope(x, 1, 4, Rope.Angles.of(new int[]{2}, new float[]{1, 0}), true);
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
                    Rope.Angles angles = Rope.Angles.of(pos, f);
                    float[] x = random(rnd, rows * heads * headDim);
                    float[] a = x.clone(), b = x.clone();
                    Rope.rope(a, heads, headDim, angles, false);
                    Rope.ropeScalar(b, heads, headDim, angles, false);
                    String what = "headDim=" + headDim + " rows=" + rows + " heads=" + heads;
                    assertArrayEquals(b, a, what); // same roundings, no FMA: bitwise equal
                    for (int r = 0; r < rows * heads; r++) { // rotations keep each head's norm
                        assertEquals(norm(x, r * headDim, headDim), norm(a, r * headDim, headDim), 1e-4, what);
                    }
                    Rope.rope(a, heads, headDim, angles, true);
                    Rope.ropeScalar(b, heads, headDim, angles, true);
                    assertArrayEquals(b, a, "inverse " + what);
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
        Rope.Angles angles = Rope.Angles.of(pos, invFreq(headDim, 100));
        float[] x = random(rnd, rows * heads * headDim);
        float[] c = random(rnd, x.length);
        float[] num = numericGradient(x, 1e-2f, xx -> {
            float[] y = xx.clone();
            Rope.rope(y, heads, headDim, angles, false);
            return project(y, c);
        });
        float[] g = c.clone();
        Rope.rope(g, heads, headDim, angles, true);
        assertGradient(num, g, 1e-3, "rope backward");
    }

    @Test
    void runsOfRowsTakeTheirOwnFrequencies() {
        int[] pos = {0, 1, 2, 5, 6, 7, 8};
        float[] f0 = invFreq(8, 10000), f1 = invFreq(8, 500);
        Rope.Angles both = Rope.Angles.of(pos, new float[][]{f0, f1}, new int[]{3, 4});
        Rope.Angles first = Rope.Angles.of(new int[]{0, 1, 2}, f0), second = Rope.Angles.of(new int[]{5, 6, 7, 8}, f1);
        for (int r = 0; r < pos.length; r++) {
            Rope.Angles one = r < 3 ? first : second;
            int ro = (r < 3 ? r : r - 3) * 4;
            for (int i = 0; i < 4; i++) {
                assertEquals(one.cos()[ro + i], both.cos()[r * 4 + i], "cos row " + r);
                assertEquals(one.sin()[ro + i], both.sin()[r * 4 + i], "sin row " + r);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Rope.Angles.of(pos, new float[][]{f0, f1}, new int[]{3, 3}));
        assertThrows(IllegalArgumentException.class, () -> Rope.Angles.of(pos, new float[][]{f0, invFreq(6, 10)}, new int[]{3, 4}));
        assertThrows(IllegalArgumentException.class, () -> Rope.rope(new float[7 * 8], 1, 6, both, false));
        assertThrows(IllegalArgumentException.class, () -> Rope.Angles.of(pos, new float[][]{f0}, new int[]{3, 4}));
    }

    private static double norm(float[] a, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[off + i] * a[off + i];
        return Math.sqrt(s);
    }
}
