package greater.transformer.tokenizer;

import java.util.Arrays;

/**
 * The model vocabulary, token string -> id: an open-addressing table of 64-bit string hashes and
 * ids interleaved in one {@code long[]}, plus the tokens by id. It holds no per-entry objects
 * (Gemma-3 has 262,144 tokens) and looks up a region of a {@code char[]} without making a String,
 * which is how tokenizer.json merges are resolved while streaming.
 *
 * <p>Loading resolves about three lookups per merge (1.5 million for Gemma-3), and a lookup that
 * compares strings costs two cache misses more than one that compares hashes. So
 * {@link #getTrusted} accepts a 64-bit hash match without comparing text, after {@link #put} has
 * verified that no two tokens share a 64-bit hash (if two ever did, it compares text like
 * {@link #get}). A wrongly accepted lookup would need a string outside the vocabulary with the
 * same 64-bit hash as a token, which only malformed merges could present.
 */
final class Vocabulary {
    private static final long EMPTY = 0L;

    private long[] slots;      // [2i] = hash (never 0), [2i + 1] = id
    private int mask;          // slot index mask
    private int size;
    private String[] byId = new String[1024];
    private int maxId = -1;
    private boolean hashesUnique = true;

    Vocabulary(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 4 / 3)) << 1;
        slots = new long[2 * capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    /** Adds {@code token -> id}; a token given twice keeps the later id, as a JSON object would. */
    void put(String token, int id) {
        if (4 * (size + 1) > 3 * (mask + 1)) {
            grow();
        }
        long h = hash(token);
        int i = (int) mix(h) & mask;
        while (slots[2 * i] != EMPTY) {
            if (slots[2 * i] == h) {
                String other = byId[(int) slots[2 * i + 1]];
                if (other.equals(token)) {
                    slots[2 * i + 1] = id;
                    remember(token, id);
                    return;
                }
                hashesUnique = false;
            }
            i = (i + 1) & mask;
        }
        slots[2 * i] = h;
        slots[2 * i + 1] = id;
        size++;
        remember(token, id);
    }

    private void remember(String token, int id) {
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
        }
        byId[id] = token;
        maxId = Math.max(maxId, id);
    }

    /** The id of {@code token}, or -1. */
    int get(String token) {
        long h = hash(token);
        int i = (int) mix(h) & mask;
        long k;
        while ((k = slots[2 * i]) != EMPTY) {
            if (k == h) {
                int id = (int) slots[2 * i + 1];
                if (byId[id].equals(token)) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The id of the token spelled by {@code chars[offset, offset + length)}, or -1. */
    int get(char[] chars, int offset, int length) {
        return find(chars, offset, length, true);
    }

    /** As {@link #get(char[], int, int)}, trusting a 64-bit hash match (see the class comment). */
    int getTrusted(char[] chars, int offset, int length) {
        return find(chars, offset, length, !hashesUnique);
    }

    private int find(char[] chars, int offset, int length, boolean compare) {
        long h = hash(chars, offset, length);
        int i = (int) mix(h) & mask;
        long k;
        while ((k = slots[2 * i]) != EMPTY) {
            if (k == h) {
                int id = (int) slots[2 * i + 1];
                if (!compare || regionEquals(byId[id], chars, offset, length)) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Every token by id (null where an id has no token); length {@code maxId + 1}. */
    String[] byId() {
        return Arrays.copyOf(byId, maxId + 1);
    }

    private static boolean regionEquals(String k, char[] chars, int offset, int length) {
        if (k.length() != length) {
            return false;
        }
        for (int c = 0; c < length; c++) {
            if (k.charAt(c) != chars[offset + c]) {
                return false;
            }
        }
        return true;
    }

    static long hash(String s) {
        long h = 0x84222325CBF29CE4L;
        for (int c = 0; c < s.length(); c++) {
            h = (h ^ s.charAt(c)) * 0x100000001B3L;
        }
        return h == EMPTY ? 1 : h;
    }

    static long hash(char[] chars, int offset, int length) {
        long h = 0x84222325CBF29CE4L;
        for (int c = offset; c < offset + length; c++) {
            h = (h ^ chars[c]) * 0x100000001B3L;
        }
        return h == EMPTY ? 1 : h;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 29);
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        mask = (slots.length >> 1) - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j] != EMPTY) {
                int i = (int) mix(old[j]) & mask;
                while (slots[2 * i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[2 * i] = old[j];
                slots[2 * i + 1] = old[j + 1];
            }
        }
    }

    @Override
    public String toString() {
        return "Vocabulary[" + size + " tokens]";
    }
}
