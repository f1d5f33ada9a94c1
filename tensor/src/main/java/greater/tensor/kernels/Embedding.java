// Token embedding lookup and its gradient.
//   t = tokens (ids.length), dim = embedding width, vocab = rows of the table.
//   table [vocab,dim] (stored dtype), out/dOut [t,dim], dTable [vocab,dim] (F32);
// Vector forms: EmbeddingVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

/** Rows are converted to float with {@link Weights#read} (vectorised); ids are bounds-checked. */
public final class Embedding {
    private Embedding() {
    }

    /** out[t,:] = table[ids[t],:]; threads split the tokens. */
    public static void gather(float[] out, MemorySegment table, DType type, int dim, int[] ids) {
        long vocab = checkIds(table, type, dim, ids);
        Parallel.forRange(ids.length, Math.max(1, 16384 / Math.max(1, dim)), (from, to) -> {
            for (int t = from; t < to; t++) Weights.read(out, t * dim, table, type, (long) ids[t] * dim, dim);
        });
    }

    public static void gatherScalar(float[] out, MemorySegment table, DType type, int dim, int[] ids) {
        checkIds(table, type, dim, ids);
        for (int t = 0; t < ids.length; t++) Weights.readScalar(out, t * dim, table, type, (long) ids[t] * dim, dim);
    }

    /** dTable[ids[t],:] += dOut[t,:]; one thread, in token order, because ids repeat. */
    public static void scatterAdd(float[] dTable, float[] dOut, int dim, int[] ids) {
        if (VectorApi.ENABLED) EmbeddingVector.scatterAdd(dTable, dOut, dim, ids);
        else scatterAddScalar(dTable, dOut, dim, ids);
    }

    public static void scatterAddScalar(float[] dTable, float[] dOut, int dim, int[] ids) {
        for (int t = 0; t < ids.length; t++) {
            int o = ids[t] * dim, s = t * dim;
            for (int c = 0; c < dim; c++) dTable[o + c] += dOut[s + c];
        }
    }

    /** The vocabulary size, after checking every id falls inside it. */
    private static long checkIds(MemorySegment table, DType type, int dim, int[] ids) {
        long vocab = Weights.elements(table, type) / Math.max(1, dim);
        for (int id : ids) {
            if (id < 0 || id >= vocab) throw new IndexOutOfBoundsException("token id " + id + " outside [0, " + vocab + ")");
        }
        return vocab;
    }
}
