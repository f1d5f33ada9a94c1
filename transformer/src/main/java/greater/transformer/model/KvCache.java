package greater.transformer.model;

import greater.tensor.DType;
import greater.tensor.Shape;
import greater.tensor.Tensor;
import greater.tensor.UserInputException;

import java.lang.foreign.MemorySegment;

/**
 * Keys and values of every layer for the positions processed so far, one sequence:
 * keys[l] and values[l] are [capacity, kvHeads·headDim], rows [0, length) filled.
 * The cache of a shared prefix can be reused for several continuations: {@link #truncate} rolls
 * back to it in place, {@link #copyFrom} fills another cache with it (computed once, copied to
 * every sequence that starts with it).
 */
public final class KvCache {
    private final float[][] keys, values;
    private final int rowWidth, capacity;
    private int length;

    public KvCache(int layers, int rowWidth, int capacity) {
        this.rowWidth = rowWidth;
        this.capacity = capacity;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        long floats = (long) capacity * rowWidth;
        if (capacity < 0 || floats > Integer.MAX_VALUE - 8) {
            // A Java array holds at most ~2^31 floats; asked for by a user's token count, so a user error.
            throw new UserInputException("a KV cache of " + capacity + " positions × " + rowWidth
                    + " floats per layer does not fit in a Java array; ask for fewer tokens");
        }
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[(int) floats];
            values[l] = new float[(int) floats];
        }
    }

    /** Positions cached so far (the position of the next token). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Forgets every position from {@code newLength} on (e.g. back to a shared prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate cache of " + length + " to " + newLength);
        length = newLength;
    }

    /**
     * Makes this cache hold exactly what {@code source} holds (its first {@code source.length()}
     * positions), e.g. a compact cache of a shared prefix copied into a large working cache.
     */
    public void copyFrom(KvCache source) {
        if (source.rowWidth != rowWidth || source.keys.length != keys.length) throw new IllegalArgumentException("caches of different models");
        if (source.length > capacity) throw new IllegalArgumentException("cache of " + source.length + " positions exceeds capacity " + capacity);
        int n = source.length * rowWidth;
        for (int l = 0; l < keys.length; l++) {
            System.arraycopy(source.keys[l], 0, keys[l], 0, n);
            System.arraycopy(source.values[l], 0, values[l], 0, n);
        }
        length = source.length;
    }

    /** Writes the rows of k, v [t, rowWidth] for layer l at positions [length, length + t). */
    void write(int layer, Tensor k, Tensor v) {
        int t = k.shape().rows();
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " positions exceed its capacity of " + capacity);
        }
        System.arraycopy(k.data(), 0, keys[layer], length * rowWidth, t * rowWidth);
        System.arraycopy(v.data(), 0, values[layer], length * rowWidth, t * rowWidth);
    }

    /** Advances the length once every layer has written its t rows. */
    void advance(int t) {
        length += t;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /**
     * The first {@code rows} cached keys of a layer as a constant tensor [rows, rowWidth]: a
     * read-only view of the cache (no copy), valid until those rows are overwritten.
     */
    Tensor pastKeys(int layer, int rows) {
        return prefix(keys[layer], rows);
    }

    Tensor pastValues(int layer, int rows) {
        return prefix(values[layer], rows);
    }

    private Tensor prefix(float[] rowsOf, int rows) {
        MemorySegment head = MemorySegment.ofArray(rowsOf).asSlice(0, (long) rows * rowWidth * Float.BYTES);
        return Tensor.view(head, DType.F32, Shape.of(rows, rowWidth));
    }
}
