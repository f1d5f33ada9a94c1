package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static greater.tensor.kernels.MicroKernel.KC;
import static greater.tensor.kernels.MicroKernel.NR;

/**
 * The Vector API side of {@link MatMul}, loaded only when VectorApi.ENABLED: picks the core for each
 * shape and weight dtype (the cores, and the letters m, k, n, are MatMul's).
 */
final class MatMulVector {
    private static final int L = WeightsVector.L;
    /**
     * Split-K up to this many columns of dx; wider ones split the columns (gemmOuter), which needs
     * no partial dx per thread; split-K there lost or came out mixed (benchmarks/README.md,
     * "Measurements behind the kernels' design").
     */
    static final int SPLIT_K_MAX_COLUMNS = 2048;
    /**
     * GradientCore.gemmSplitRows (W packed once, the threads splitting dx's rows) from this many
     * rows of dy per thread (at 256 rows in all it was no faster than split-K), when W packs into
     * SPLIT_ROWS_MAX_PACKED floats (8 MB); else split-K.
     */
    static final int SPLIT_ROWS_MIN_ROWS = 256;
    static final long SPLIT_ROWS_MAX_PACKED = 2L << 20;
    /** Up to this many rows the forward is a GEMV (packing W would cost as much as the product). */
    static final int GEMV_MAX_ROWS = 3;
    /**
     * BF16 forward with fewer rows than this takes the dot tiles ({@link Bf16DotTiles}), and with
     * fewer than BF16_ROWS_MAX_LONG_K when k ≥ BF16_LONG_K (their horizontal sums weigh less on long
     * rows) unless the rows fill whole NR-wide panels of {@link ForwardCore}, which then runs faster
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static final int BF16_ROWS_MAX = 32, BF16_ROWS_MAX_LONG_K = 64, BF16_LONG_K = 1024;
    /**
     * BF16 input gradient of up to 8 rows, of whole blocks of 8 rows up to BF16_GRAD_ROWS_MAX, or
     * of a dx of at most BF16_GRAD_ROWS_MAX_ELEMENTS floats takes Bf16GradRows.inputGrad: a span of W's
     * rows comes from memory once for all rows of dx (from L2 for every block after the first and
     * for the rows past the last block). Longer ones pack W (from 32×2048 on the row kernel won no
     * more), and so do 9–15 rows unless dx is small (there the row kernel mostly lost)
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static final int BF16_GRAD_ROWS_MAX = 16, BF16_GRAD_ROWS_MAX_ELEMENTS = 24 * 1024;
    /** From this many rows the forward uses {@link ForwardCore} (fewer would leave most of an NR-wide tile idle). */
    static final int FORWARD_OUTER_MIN_ROWS = 16;

    private MatMulVector() {
    }

    /** m rows fill whole NR-wide panels; only measured, and so only used, at 512-bit vectors (NR = 32). */
    static boolean wholePanels(int m) {
        return L == 16 && m % NR == 0;
    }

    /** out[m,n] = x[m,k]·W[n,k]ᵀ (overwrites out). */
    static void matmul(float[] out, float[] x, int m, int k, MemorySegment w, DType wType, int n) {
        if (m <= GEMV_MAX_ROWS) {
            Gemv.gemv(out, x, m, k, w, wType, n);
            return;
        }
        if (rowsBf16(m, k, wType)) {
            Bf16DotTiles.matmul(out, x, m, k, w, n);
            return;
        }
        if (m >= FORWARD_OUTER_MIN_ROWS) {
            ForwardCore.gemmForward(new float[][]{out}, x, m, k, new MemorySegment[]{w}, new DType[]{wType},
                    new int[]{n}, true);
            return;
        }
        DotCore.gemmDot(out, m, n, k,
                (dst, off, stride, row0, rows) -> Packing.copyRows(dst, off, stride, x, k, row0, rows),
                (dst, off, stride, row0, rows) -> Packing.copyWeightRows(dst, off, stride, w, wType, k, row0, rows));
    }

    /** Whether the forward of m rows takes the BF16 dot tiles ({@link Bf16DotTiles}). */
    private static boolean rowsBf16(int m, int k, DType wType) {
        return wType == DType.BF16 && (m < BF16_ROWS_MAX || m < BF16_ROWS_MAX_LONG_K && k >= BF16_LONG_K && !wholePanels(m));
    }

    /**
     * outs[i][m,ns[i]] = x[m,k]·W_i[ns[i],k]ᵀ for weights read by one input: where ForwardCore
     * runs, x is packed once and the blocks of all the weights' rows are one set of tasks; else
     * each product as {@link #matmul}.
     */
    static void matmulShared(float[][] outs, float[] x, int m, int k, MemorySegment[] ws, DType[] types, int[] ns) {
        boolean outer = m >= FORWARD_OUTER_MIN_ROWS;
        for (DType type : types) outer &= !rowsBf16(m, k, type);
        if (outer) {
            ForwardCore.gemmForward(outs, x, m, k, ws, types, ns, true);
        } else {
            for (int i = 0; i < ws.length; i++) matmul(outs[i], x, m, k, ws[i], types[i], ns[i]);
        }
    }

    /**
     * dx[m,k] += dy[m,n]·W[n,k], or = when not accumulate (the first k-span's tiles store instead
     * of adding, so dx is neither zeroed nor read): {@link GradientCore} with A = dy, B = W (its rows are the k-steps),
     * split over W's rows when there are enough of them and dx has at most SPLIT_K_MAX_COLUMNS
     * columns (over dy's rows instead, with W packed once, when dy has many rows and W packs into
     * SPLIT_ROWS_MAX_PACKED), else over its columns. dy is read by
     * rows (copied to a padded stride), not packed into panels: an 8-row panel is a transpose that
     * went element by element (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static void inputGrad(float[] dx, float[] dy, int m, int n, MemorySegment w, DType wType, int k, boolean accumulate) {
        if (wType == DType.BF16 && (m <= 8 || m <= BF16_GRAD_ROWS_MAX && m % 8 == 0 || m * k <= BF16_GRAD_ROWS_MAX_ELEMENTS)) {
            if (!accumulate) Arrays.fill(dx, 0, m * k, 0f); // at most 24k floats, or 16 rows
            Bf16GradRows.inputGrad(dx, dy, m, n, w, k);
            return;
        }
        if (Math.ceilDiv(n, KC) >= 2 * Parallel.THREADS) {
            int span = GradientCore.splitRowsSpan(n);
            long packed = (long) Math.ceilDiv(n, span) * span * MatMul.roundUp(k, NR);
            if (m >= SPLIT_ROWS_MIN_ROWS * Parallel.THREADS && packed <= SPLIT_ROWS_MAX_PACKED) {
                GradientCore.gemmSplitRows(dx, m, k, n, dy, w, wType, accumulate);
                return;
            }
            if (k <= SPLIT_K_MAX_COLUMNS) {
                GradientCore.gemmSplitK(dx, m, k, n, dy, w, wType, accumulate);
                return;
            }
        }
        GradientCore.gemmOuter(dx, m, k, n, null, dy,
                (dst, off, R, i0, count, k0, kLen) ->
                        Packing.packWeightPanels(dst, off, R, w, wType, k, i0, count, k0, kLen),
                accumulate);
    }

    /** dw[n,k] += Σ_m dy[m,n]·x[m,k]: {@link GradientCore} with A = dyᵀ, B = x, or rank-1 updates for tiny m. */
    static void accumulateWeightGrad(float[] dw, float[] dy, float[] x, int m, int n, int k) {
        if (m <= GEMV_MAX_ROWS) {
            Parallel.forRange(n, Math.max(1, 16384 / Math.max(1, k * m)), (j0, j1) -> {
                for (int j = j0; j < j1; j++) {
                    for (int i = 0; i < m; i++) ElementwiseVector.axpy(dw, j * k, dy[i * n + j], x, i * k, k);
                }
            });
            return;
        }
        GradientCore.gemmOuter(dw, n, k, m,
                (dst, off, R, i0, count, k0, kLen) -> Packing.packColumnPanels(dst, off, R, dy, n, i0, count, k0, kLen),
                null,
                (dst, off, R, i0, count, k0, kLen) -> Packing.packColumnPanels(dst, off, R, x, k, i0, count, k0, kLen),
                true);
    }
}
