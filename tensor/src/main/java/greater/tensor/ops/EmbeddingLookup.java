package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Embedding;

/** Rows of an embedding table: table [V, H], ids [T] → [T, H]; backward scatter-adds into the table. */
public final class EmbeddingLookup {
    private EmbeddingLookup() {
    }

    public static Tensor apply(Tensor table, int[] ids) {
        int vocab = table.dim(0), dim = table.dim(1);
        for (int id : ids) {
            if (id < 0 || id >= vocab) throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + vocab + ")");
        }
        float[] out = Tape.output(Math.multiplyExact(ids.length, dim), table);
        Embedding.gather(out, table.segment(), table.dtype(), dim, ids);
        Tensor y = Tensor.of(out, ids.length, dim);
        GradSlot dTable = Tape.gradOf(table);
        Tape.record(y, dy -> Embedding.scatterAdd(dTable.buffer(), dy, dim, ids), table);
        return y;
    }
}
