package greater.tensor.kernels;

import greater.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ElementwiseTest {

    @Test
    void handComputed() {
        float[] a = {1, 2, 3}, b = {4, 5, -6}, out = new float[3];
        Elementwise.add(out, a, b, 3);
        assertArrayEquals(new float[]{5, 7, -3}, out);
        Elementwise.mul(out, a, b, 3);
        assertArrayEquals(new float[]{4, 10, -18}, out);
        Elementwise.scale(out, a, -2, 3);
        assertArrayEquals(new float[]{-2, -4, -6}, out);
        Elementwise.axpy(out, 0.5f, b, 3);
        assertArrayEquals(new float[]{0, -1.5f, -9}, out);
        Elementwise.addInPlace(out, a, 2);
        assertArrayEquals(new float[]{1, 0.5f, -9}, out);
        assertEquals(-4f, Elementwise.dot(a, 0, b, 0, 3));
        assertEquals(2 * 5 + 3 * -6, Elementwise.dot(a, 1, b, 1, 2));
        float[] x = {1, 2, 3, 4, 5, 6};
        Elementwise.addRowBias(x, 2, 3, segment(new float[]{1, 0, -1}, DType.BF16), DType.BF16);
        assertArrayEquals(new float[]{2, 2, 2, 5, 5, 5}, x);
        float[] s = {1, 1, 1};
        Elementwise.sumRows(s, x, 2, 3);
        assertArrayEquals(new float[]{8, 8, 8}, s);
    }

    @Test
    void vectorMatchesScalar() {
        Random rnd = new Random(41);
        for (int n : new int[]{1, 3, 17, 67, 131, 70001}) {
            float[] a = random(rnd, n), b = random(rnd, n);
            float[] o1 = new float[n], o2 = new float[n];
            Elementwise.add(o1, a, b, n);
            Elementwise.addScalar(o2, a, b, n);
            assertClose(o2, o1, 0, 0, "add " + n);
            Elementwise.mul(o1, a, b, n);
            Elementwise.mulScalar(o2, a, b, n);
            assertClose(o2, o1, 0, 0, "mul " + n);
            Elementwise.scale(o1, a, 1.7f, n);
            Elementwise.scaleScalar(o2, a, 1.7f, n);
            assertClose(o2, o1, 0, 0, "scale " + n);
            float[] y1 = b.clone(), y2 = b.clone();
            Elementwise.axpy(y1, -0.3f, a, n);
            Elementwise.axpyScalar(y2, -0.3f, a, n);
            assertClose(y2, y1, 1e-6, 1e-7, "axpy " + n);
            y1 = b.clone();
            y2 = b.clone();
            Elementwise.addInPlace(y1, a, n);
            Elementwise.addInPlaceScalar(y2, a, n);
            assertClose(y2, y1, 0, 0, "addInPlace " + n);
            int off = n > 2 ? 2 : 0, len = n - off;
            assertClose(Elementwise.dotScalar(a, off, b, 0, len), Elementwise.dot(a, off, b, 0, len), 1e-5,
                    1e-6 * Math.sqrt(len), "dot " + n);
        }
        for (DType type : WEIGHT_TYPES) {
            for (int rows : new int[]{1, 3, 17}) {
                for (int cols : ODD_SIZES) {
                    float[] x = random(rnd, rows * cols);
                    var bias = segment(random(rnd, cols), type, rnd.nextBoolean());
                    float[] x1 = x.clone(), x2 = x.clone();
                    Elementwise.addRowBias(x1, rows, cols, bias, type);
                    Elementwise.addRowBiasScalar(x2, rows, cols, bias, type);
                    assertClose(x2, x1, 0, 0, type + " addRowBias " + rows + "x" + cols);
                    float[] s0 = random(rnd, cols);
                    float[] s1 = s0.clone(), s2 = s0.clone();
                    Elementwise.sumRows(s1, x, rows, cols);
                    Elementwise.sumRowsScalar(s2, x, rows, cols);
                    assertClose(s2, s1, 1e-5, 1e-6, "sumRows " + rows + "x" + cols);
                }
            }
        }
    }
}
