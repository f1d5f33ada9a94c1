// Per-thread reusable float buffers for packing, so hot kernels allocate nothing per call.
//   slot = which buffer of the calling thread (two live buffers in one kernel need two slots).
package greater.tensor.kernels;

/**
 * Buffers are per thread, so a kernel may use them across a Parallel.forRange body but not share
 * them. Convention: slot 0 holds what the calling thread packs for all tasks to read (it stays
 * valid while the tasks run, even when the caller runs one of them inline); slots 1 to 3 are the
 * tasks' own; slots 4 and 5 hold more arrays of the calling thread's that its tasks write or read
 * beside slot 0 (the BF16 row kernel's partial sums of dx and its transposed dy).
 */
final class Scratch {
    static final int SLOTS = 6;
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    private Scratch() {
    }

    /** A buffer of at least {@code size} floats with unspecified contents. */
    static float[] floats(int slot, int size) {
        float[][] b = BUFFERS.get();
        float[] a = b[slot];
        if (a == null || a.length < size) {
            a = new float[Math.max(size, a == null ? 0 : a.length + a.length / 2)];
            b[slot] = a;
        }
        return a;
    }
}
