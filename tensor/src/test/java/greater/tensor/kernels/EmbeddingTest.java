package greater.tensor.kernels;

import greater.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmbeddingTest {

    @Test
    void gatherEveryDtype() {
        Random rnd = new Random(51);
        int vocab = 50, dim = 67;
        float[] table = random(rnd, vocab * dim);
        int[] ids = {3, 0, 49, 3, 17};
        for (DType type : WEIGHT_TYPES) {
            float[] exact = rounded(table, type);
            float[] out = new float[ids.length * dim], twin = new float[ids.length * dim];
            var seg = segment(table, type, rnd.nextBoolean());
            Embedding.gather(out, seg, type, dim, ids);
            Embedding.gatherScalar(twin, seg, type, dim, ids);
            assertArrayEquals(twin, out, type.toString());
            for (int t = 0; t < ids.length; t++) {
                for (int c = 0; c < dim; c++) {
                    if (out[t * dim + c] != exact[ids[t] * dim + c]) {
                        throw new AssertionError(type + " token " + t + " feature " + c);
                    }
                }
            }
        }
        assertThrows(IndexOutOfBoundsException.class,
                () -> Embedding.gather(new float[dim], segment(table, DType.F32), DType.F32, dim, new int[]{vocab}));
    }

    @Test
    void scatterAddAccumulatesRepeatedIds() {
        float[] dTable = new float[3 * 2];
        float[] dOut = {1, 2, 10, 20, 100, 200};
        Embedding.scatterAdd(dTable, dOut, 2, new int[]{2, 0, 2});
        assertArrayEquals(new float[]{10, 20, 0, 0, 101, 202}, dTable);
        Random rnd = new Random(52);
        for (int dim : ODD_SIZES) {
            int[] ids = {4, 1, 4, 0, 4};
            float[] d = random(rnd, ids.length * dim), init = random(rnd, 5 * dim);
            float[] a = init.clone(), b = init.clone();
            Embedding.scatterAdd(a, d, dim, ids);
            Embedding.scatterAddScalar(b, d, dim, ids);
            assertArrayEquals(b, a, "dim " + dim);
        }
    }
}
