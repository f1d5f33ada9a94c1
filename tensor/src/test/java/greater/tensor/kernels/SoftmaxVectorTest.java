package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SoftmaxVectorTest {
    private static final int L = WeightsVector.L;

    @Test
    void handComputed() {
        float l3 = (float) Math.log(3);
        float[] x = {0, l3, 1000, 1000 + l3}; // second row checks the max shift
        float[] out = new float[4];
        for (int o = 0; o < 4; o += 2) {
            float max = SoftmaxVector.max(x, o, 2);
            float sum = SoftmaxVector.expShifted(out, x, o, 2, max, 1f, new float[L]);
            assertEquals(sum, SoftmaxVector.sumExp(x, o, 2, max, new float[L]), 1e-6f);
            SoftmaxVector.scaleRow(out, o, 2, 1f / sum);
        }
        // 1000 + ln 3 rounds to 1000 + d in float; the second row's exact answer uses that d.
        double d = x[3] - x[2];
        float p = (float) (1 / (1 + Math.exp(d)));
        assertArrayEquals(new float[]{0.25f, 0.75f, p, 1 - p}, out, 1e-7f);
        assertEquals(Float.NEGATIVE_INFINITY, SoftmaxVector.max(x, 0, 0));
    }

    @Test
    void vectorMatchesScalar() {
        Random rnd = new Random(21);
        for (int n : ODD_SIZES) {
            for (int o : new int[]{0, 5}) {
                float[] x = random(rnd, o + n, 8f);
                String what = "n=" + n + " o=" + o;
                float max = CrossEntropy.maxScalar(x, o, n);
                assertEquals(max, SoftmaxVector.max(x, o, n), what);
                float sum = CrossEntropy.sumExpScalar(x, o, n, max);
                assertClose(sum, SoftmaxVector.sumExp(x, o, n, max, new float[L]), 1e-5, 0, "sumExp " + what);
                float[] e = new float[o + n];
                assertClose(sum, SoftmaxVector.expShifted(e, x, o, n, max, 1f, new float[L]), 1e-5, 0, "expShifted " + what);
                float[] ref = new float[o + n];
                for (int c = 0; c < n; c++) ref[o + c] = (float) Math.exp(x[o + c] - max);
                assertClose(ref, e, 1e-6, 0, "exp " + what);
                // the scale inside: attention's exp((x − max)·scale)
                float[] scaled = new float[o + n], scaledRef = new float[o + n];
                double scaledSum = 0;
                for (int c = 0; c < n; c++) scaledSum += scaledRef[o + c] = (float) Math.exp((x[o + c] - max) * 0.125f);
                assertClose((float) scaledSum, SoftmaxVector.expShifted(scaled, x, o, n, max, 0.125f, new float[L]), 1e-5, 0,
                        "expShifted scaled " + what);
                assertClose(scaledRef, scaled, 1e-6, 0, "exp scaled " + what);
                SoftmaxVector.scaleRow(e, o, n, 0.5f);
                for (int c = 0; c < n; c++) ref[o + c] *= 0.5f;
                assertClose(ref, e, 1e-6, 0, "scaleRow " + what);
            }
        }
    }
}
