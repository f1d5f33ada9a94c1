package greater.transformer.tokenizer;

import java.util.Arrays;

/** A growable {@code int[]}: the buffer the encoder and normalizers append offsets and ids to. */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    void addRange(int[] src, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        if (size + n > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
        }
        System.arraycopy(src, from, data, size, n);
        size += n;
    }

    void set(int i, int v) {
        data[i] = v;
    }

    int get(int i) {
        return data[i];
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
