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
            float[] out = new float[ids.length * dim];
            Embedding.gather(out, segment(table, type, rnd.nextBoolean()), type, dim, ids);
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
    }
}
