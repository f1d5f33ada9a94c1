package greater.transformer.tokenizer;

/**
 * The BPE merge ranks: (left id, right id) -> (rank, merged id), an open-addressing hash table
 * over primitive longs. Gemma-3 has 514,906 merges; a {@code HashMap<Long, ...>} would box a
 * million objects and be looked up several times per input char.
 *
 * <p>Keys ({@code left << 32 | right}) and values ({@code rank << 32 | mergedId}) are interleaved
 * in one array so that a lookup touches one cache line. Inserting a pair twice keeps the later
 * rank, as HF's {@code collect()} into a map does.
 */
final class MergeTable {
    /** Returned by {@link #get} for a pair that does not merge. */
    static final long NONE = -1L;
    private static final long EMPTY = -1L;

    private long[] table;   // [2i] = key, [2i + 1] = value
    private int mask;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 4 / 3)) << 1;
        table = newTable(capacity);
        mask = capacity - 1;
    }

    private static long[] newTable(int capacity) {
        long[] t = new long[2 * capacity];
        for (int i = 0; i < t.length; i += 2) {
            t[i] = EMPTY;
        }
        return t;
    }

    void put(int left, int right, int rank, int mergedId) {
        if (4 * (size + 1) > 3 * (mask + 1)) {   // load factor 0.75
            grow();
        }
        long key = pack(left, right);
        int i = slot(key);
        while (table[2 * i] != EMPTY && table[2 * i] != key) {
            i = (i + 1) & mask;
        }
        if (table[2 * i] == EMPTY) {
            size++;
        }
        table[2 * i] = key;
        table[2 * i + 1] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
    }

    /** {@code rank << 32 | mergedId}, or {@link #NONE}. */
    long get(int left, int right) {
        long key = pack(left, right);
        int i = slot(key);
        long k;
        while ((k = table[2 * i]) != EMPTY) {
            if (k == key) {
                return table[2 * i + 1];
            }
            i = (i + 1) & mask;
        }
        return NONE;
    }

    private void grow() {
        long[] old = table;
        table = newTable(old.length);   // twice the slots
        mask = (table.length >> 1) - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j] != EMPTY) {
                int i = slot(old[j]);
                while (table[2 * i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[2 * i] = old[j];
                table[2 * i + 1] = old[j + 1];
            }
        }
    }

    private static long pack(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
