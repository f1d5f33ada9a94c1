package greater.tensor.kernels;

import greater.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NormsTest {

    @Test
    void handComputed() {
        // x = [3, 4]: mean(x²) = 12.5, rstd = 1/√12.5.
        float[] x = {3, 4};
        float[] out = new float[2], rstd = new float[1];
        float[] w = {1, 0.5f};
        Norms.rmsNorm(out, x, 1, 2, MemorySegment.ofArray(w), DType.F32, 0f, false, rstd);
        float r = (float) (1 / Math.sqrt(12.5));
        assertEquals(r, rstd[0], 1e-7f);
        assertArrayEquals(new float[]{3 * r, 4 * r * 0.5f}, out, 1e-6f);
        Norms.rmsNorm(out, x, 1, 2, MemorySegment.ofArray(w), DType.F32, 0f, true, null);
        assertArrayEquals(new float[]{3 * r * 2, 4 * r * 1.5f}, out, 1e-6f);
    }

    @Test
    void vectorMatchesScalar() {
        Random rnd = new Random(11);
        for (DType type : WEIGHT_TYPES) {
            for (int rows : new int[]{1, 3, 17}) {
                for (int dim : ODD_SIZES) {
                    for (boolean addOne : new boolean[]{false, true}) {
                        float[] x = random(rnd, rows * dim, 3f);
                        MemorySegment w = segment(random(rnd, dim), type, rnd.nextBoolean());
                        float[] o1 = new float[rows * dim], o2 = new float[rows * dim];
                        float[] r1 = new float[rows], r2 = new float[rows];
                        Norms.rmsNorm(o1, x, rows, dim, w, type, 1e-6f, addOne, r1);
                        Norms.rmsNormScalar(o2, x, rows, dim, w, type, 1e-6f, addOne, r2);
                        String what = type + " rows=" + rows + " dim=" + dim + " addOne=" + addOne;
                        assertClose(r2, r1, 1e-5, 0, "rstd " + what);
                        assertClose(o2, o1, 1e-5, 1e-6, "out " + what);

                        float[] dy = random(rnd, rows * dim);
                        float[] dx0 = random(rnd, rows * dim), dw0 = random(rnd, dim);
                        float[] dx1 = dx0.clone(), dx2 = dx0.clone(), dw1 = dw0.clone(), dw2 = dw0.clone();
                        Norms.rmsNormBackward(dx1, dy, x, r1, rows, dim, w, type, addOne, dw1);
                        Norms.rmsNormBackwardScalar(dx2, dy, x, r2, rows, dim, w, type, addOne, dw2);
                        assertClose(dx2, dx1, 1e-5, 1e-6, "dx " + what);
                        assertClose(dw2, dw1, 1e-5, 1e-6, "dw " + what);
                        float[] dx3 = dx0.clone();
                        Norms.rmsNormBackward(dx3, dy, x, r1, rows, dim, w, type, addOne, null);
                        assertClose(dx2, dx3, 1e-5, 1e-6, "dx without dw " + what);
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rnd = new Random(12);
        int rows = 3, dim = 7;
        for (boolean addOne : new boolean[]{false, true}) {
            float[] x = random(rnd, rows * dim, 2f);
            float[] w = random(rnd, dim);
            float[] c = random(rnd, rows * dim);
            float[] out = new float[rows * dim];
            float[] numX = numericGradient(x, 1e-2f, xx -> {
                Norms.rmsNorm(out, xx, rows, dim, MemorySegment.ofArray(w), DType.F32, 1e-5f, addOne, null);
                return project(out, c);
            });
            float[] numW = numericGradient(w, 1e-2f, ww -> {
                Norms.rmsNorm(out, x, rows, dim, MemorySegment.ofArray(ww), DType.F32, 1e-5f, addOne, null);
                return project(out, c);
            });
            float[] rstd = new float[rows];
            Norms.rmsNorm(out, x, rows, dim, MemorySegment.ofArray(w), DType.F32, 1e-5f, addOne, rstd);
            float[] dx = new float[rows * dim], dw = new float[dim];
            Norms.rmsNormBackward(dx, c, x, rstd, rows, dim, MemorySegment.ofArray(w), DType.F32, addOne, dw);
            assertGradient(numX, dx, 2e-3, "dx addOne=" + addOne);
            assertGradient(numW, dw, 2e-3, "dw addOne=" + addOne);
        }
    }
}
