package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Weights;

/**
 * Row-level structure ops on tensors seen as [rows, cols]: reshape, a contiguous slice of rows,
 * picked rows, and row concatenation. Each copies (or shares) data and routes gradients back unchanged.
 */
public final class Rows {
    private Rows() {
    }

    /** The same data under new dimensions; the gradient flows back unchanged. */
    public static Tensor reshape(Tensor x, int... dims) {
        Tensor y = Tensor.of(x.data(), dims);
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> dx.give(dy), x);
        return y;
    }

    /** Rows {@code [from, to)} of x [R, C] → [to - from, C]. */
    public static Tensor slice(Tensor x, int from, int to) {
        int rows = x.shape().rows(), cols = x.dim(-1);
        if (from < 0 || to > rows || from > to) throw new IllegalArgumentException("Rows.slice [" + from + ", " + to + ") of " + x.shape());
        float[] out = Tape.output((to - from) * cols, x);
        System.arraycopy(x.data(), from * cols, out, 0, out.length);
        Tensor y = Tensor.of(out, to - from, cols);
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> {
            float[] g = dx.buffer();
            for (int i = 0; i < dy.length; i++) g[from * cols + i] += dy[i];
        }, x);
        return y;
    }

    /**
     * Rows {@code picked[0], picked[1], ...} of x [R, C] → [picked.length, C] (a row may be picked
     * twice; its gradient then adds both). Throws IllegalArgumentException for an index outside [0, R).
     */
    public static Tensor gather(Tensor x, int[] picked) {
        int rows = x.shape().rows(), cols = x.dim(-1);
        for (int r : picked) if (r < 0 || r >= rows) throw new IllegalArgumentException("Rows.gather row " + r + " of " + x.shape());
        float[] out = Tape.output(picked.length * cols, x);
        float[] xs = x.data();
        for (int i = 0; i < picked.length; i++) System.arraycopy(xs, picked[i] * cols, out, i * cols, cols);
        Tensor y = Tensor.of(out, picked.length, cols);
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> {
            float[] g = dx.buffer();
            for (int i = 0; i < picked.length; i++) {
                for (int c = 0; c < cols; c++) g[picked[i] * cols + c] += dy[i * cols + c];
            }
        }, x);
        return y;
    }

    /** [a; b; ...] stacked by rows; all parts share the column count (read-only views are accepted). */
    public static Tensor concat(Tensor... parts) {
        int cols = parts[0].dim(-1);
        int rows = 0;
        for (Tensor p : parts) {
            if (p.dim(-1) != cols) throw new IllegalArgumentException("Rows.concat: " + p.shape() + " vs " + cols + " columns");
            rows += p.shape().rows();
        }
        float[] out = Tape.output(rows * cols, parts);
        int at = 0;
        for (Tensor p : parts) {
            int n = (int) p.size();
            if (p.isOwned()) System.arraycopy(p.data(), 0, out, at, n);
            else Weights.read(out, at, p.segment(), p.dtype(), 0, n); // a constant view, e.g. cached keys
            at += n;
        }
        Tensor y = Tensor.of(out, rows, cols);
        GradSlot[] dParts = new GradSlot[parts.length];
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dParts[i] = Tape.gradOf(parts[i]);
            sizes[i] = (int) parts[i].size();
        }
        Tape.record(y, dy -> {
            int off = 0;
            for (int p = 0; p < dParts.length; p++) {
                int n = sizes[p];
                if (dParts[p] != null) {
                    float[] g = dParts[p].buffer();
                    for (int i = 0; i < n; i++) g[i] += dy[off + i];
                }
                off += n;
            }
        }, parts);
        return y;
    }
}
