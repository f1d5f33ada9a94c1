// Token embedding lookup and its gradient.
//   t = tokens (ids.length), dim = embedding width, vocab = rows of the table.
//   table [vocab,dim] (stored dtype), out/dOut [t,dim], dTable [vocab,dim] (F32).
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

public final class Embedding {
    private Embedding() {
    }

    /** out[t,:] = table[ids[t],:]. */
    public static void gather(float[] out, MemorySegment table, DType type, int dim, int[] ids) {
        long vocab = Weights.elements(table, type) / Math.max(1, dim);
        Parallel.forRange(ids.length, 64, (from, to) -> {
            for (int t = from; t < to; t++) {
                int id = ids[t];
                if (id < 0 || id >= vocab) throw new IndexOutOfBoundsException("token id " + id + " outside [0, " + vocab + ")");
                Weights.read(out, t * dim, table, type, (long) id * dim, dim);
            }
        });
    }

    /** dTable[ids[t],:] += dOut[t,:]; sequential because ids repeat. */
    public static void scatterAdd(float[] dTable, float[] dOut, int dim, int[] ids) {
        for (int t = 0; t < ids.length; t++) {
            int o = ids[t] * dim, s = t * dim;
            for (int c = 0; c < dim; c++) dTable[o + c] += dOut[s + c];
        }
    }
}
