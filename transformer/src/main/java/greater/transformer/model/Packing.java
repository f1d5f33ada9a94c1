package greater.transformer.model;

import java.util.Arrays;

/**
 * Which rows of a packed forward belong to which sequence (llama.cpp's {@code llama_batch} with
 * per-token sequence ids, without padding): sequence s owns the {@code lengths[s]} consecutive
 * rows starting at {@code offset(s)} and continues {@code caches[s]}, its rows sitting at
 * positions [cache.length(), cache.length() + lengths[s]). A null cache means the sequence starts
 * at position 0 and keeps no keys or values. Letters: N = sequences, R = Σ lengths = packed rows.
 *
 * @throws IllegalArgumentException on a negative length, mismatched arrays or a cache listed twice
 */
public record Packing(int[] lengths, KvCache[] caches) {
    public Packing {
        if (lengths.length != caches.length) throw new IllegalArgumentException(lengths.length + " lengths for " + caches.length + " caches");
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] < 0) throw new IllegalArgumentException("sequence " + s + " has " + lengths[s] + " rows");
            for (int o = 0; o < s; o++) {
                if (caches[s] != null && caches[s] == caches[o]) throw new IllegalArgumentException("sequences " + o + " and " + s + " share one KV cache");
            }
        }
        lengths = lengths.clone();
        caches = caches.clone();
    }

    /** One sequence of {@code rows} rows continuing {@code cache} (null: from position 0, nothing kept). */
    public static Packing single(int rows, KvCache cache) {
        return new Packing(new int[]{rows}, new KvCache[]{cache});
    }

    public int sequences() {
        return lengths.length;
    }

    /** R, the packed rows. */
    public int rows() {
        return Arrays.stream(lengths).sum();
    }

    /** The first packed row of sequence s. */
    public int offset(int s) {
        int o = 0;
        for (int i = 0; i < s; i++) o += lengths[i];
        return o;
    }

    /** Positions already cached for sequence s (0 without a cache). */
    public int past(int s) {
        return caches[s] == null ? 0 : caches[s].length();
    }

    /** The absolute position of every packed row [R]: past(s) + i for row i of sequence s. */
    public int[] positions() {
        int[] positions = new int[rows()];
        int r = 0;
        for (int s = 0; s < lengths.length; s++) {
            for (int i = 0; i < lengths[s]; i++) positions[r++] = past(s) + i;
        }
        return positions;
    }
}
