package greater.tensor.kernels;

import greater.tensor.DType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static greater.tensor.kernels.MicroKernel.LDW_PAD;
import static greater.tensor.kernels.MicroKernel.MC;
import static greater.tensor.kernels.MicroKernel.MR;
import static greater.tensor.kernels.MicroKernel.NR;

/**
 * The forward from MatMulVector.FORWARD_OUTER_MIN_ROWS rows of x on: out = x·Wᵀ computed as outᵀ = W·xᵀ by
 * outer products ({@link MicroKernel}). x [m,k] is the small operand, so it is the one packed
 * (NR-wide k-major panels by 16×16 register transposes, once, shared by the threads and by every
 * weight of one input, as q, k and v); W [n,k] is read along its rows only, converted a block of
 * whole rows at a time or, for few rows of x, broadcast straight from its segment.
 */
final class ForwardCore {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /** Forward rows of W per one-vector (narrow) tile: 16 accumulators. */
    static final int MR_NARROW = 16;
    /**
     * Forward: floats of converted W per task block (512 KiB, half an L2). A block is whole rows,
     * so its read is one contiguous stretch of the file.
     */
    static final int W_BLOCK = 128 * 1024;
    /**
     * Forward k-span from FORWARD_LONG_SPAN_ROWS rows of x on: up to this many k-steps per tile
     * (balanced spans), so each tile's accumulators are flushed once instead of k/KC times; below
     * that, up to FORWARD_KC_SHORT.
     */
    static final int FORWARD_KC_MAX = 2048, FORWARD_LONG_SPAN_ROWS = 128, FORWARD_KC_SHORT = 512;
    /**
     * Panels of x (NR rows each) up to which the forward reads W's rows straight from the file
     * ({@link #readsWeightsDirectly}): as far as that ran faster than converting blocks of W first
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static final int DIRECT_PANELS_F32 = 4, DIRECT_PANELS_BF16 = 1;

    private ForwardCore() {
    }

    /**
     * outs[i] = x·W_iᵀ computed as outᵀ = W·xᵀ by outer products: x is the small operand, so it is
     * the one transposed (into NR-wide k-major panels, once, shared by all threads and all the
     * weights); W is only copied (converted) row-major, a block of whole rows at a time, into a
     * per-thread buffer, and the micro-kernel broadcasts from MR of its rows (a last panel of x
     * shorter than L rows goes through dot tiles instead, dotTailRows); or, for few rows of x
     * (readsWeightsDirectly) unless their last panel has L rows or fewer, it broadcasts straight
     * from W's segment, with the same products in the same order (so the same bits). Threads split
     * the blocks of all the weights' rows. allowDirect false always converts (tests compare the two).
     */
    static void gemmForward(float[][] outs, float[] x, int m, int k, MemorySegment[] ws, DType[] types, int[] ns,
                            boolean allowDirect) {
        if (k <= 0) {
            for (int i = 0; i < outs.length; i++) Arrays.fill(outs[i], 0, m * ns[i], 0f);
            return;
        }
        // xp: for each k-span [k0, k0 + kLen), mp/NR panels of kLen×NR floats, at offset k0·mp
        float[] xp = Scratch.floats(0, MatMul.roundUp(Math.min(MC, m), NR) * k);
        int nb = forwardBlockRows(ns, k);
        // block b covers rows [blockRow[b], + nb) of weight blockWeight[b]
        int blocks = 0;
        for (int n : ns) blocks += Math.ceilDiv(n, nb);
        int[] blockWeight = new int[blocks], blockRow = new int[blocks];
        for (int i = 0, b = 0; i < ns.length; i++) {
            for (int r = 0; r < ns[i]; r += nb, b++) {
                blockWeight[b] = i;
                blockRow[b] = r;
            }
        }
        int ldw = k + LDW_PAD;
        int kc = forwardSpan(m, k);
        for (int m0 = 0; m0 < m; m0 += MC) {
            int mRows = Math.min(MC, m - m0), mp = MatMul.roundUp(mRows, NR), panels = mp / NR, fm0 = m0;
            // a last panel with at most L valid columns runs the one-vector kernel (half of a
            // two-vector tile would multiply zeros) when it has L, and dot tiles over all of k
            // (dotTailRows) when it has fewer, which would leave lanes of that kernel idle too
            int wideEnd = mRows % NR != 0 && mRows % NR <= L ? mRows - mRows % NR : mRows;
            boolean dotTail = mRows - wideEnd > 0 && mRows - wideEnd < L;
            // W's rows broadcast from its segment unless the last panel has L rows or fewer (the
            // one-vector kernel and the dot tail read the converted block)
            boolean[] directs = new boolean[ws.length];
            for (int i = 0; i < ws.length; i++) {
                directs[i] = allowDirect && wideEnd == mRows && readsWeightsDirectly(types[i], mRows);
            }
            int packed = dotTail ? panels - 1 : panels; // the short last panel is read from x itself
            Parallel.forRange(Math.ceilDiv(k, kc) * packed, 1, (t0, t1) -> {
                for (int task = t0; task < t1; task++) {
                    int k0 = (task / packed) * kc, kLen = Math.min(kc, k - k0), q = task % packed;
                    Packing.packRowPanels(xp, k0 * mp + q * kLen * NR, NR, x, k, fm0 + q * NR,
                            Math.min(NR, mRows - q * NR), k0, kLen);
                }
            });
            Parallel.forRange(blocks, 1, (b0, b1) -> {
                float[] wb = Scratch.floats(1, nb * ldw);
                // the tiles' accumulators, and dotTailRows' sums
                float[] tile = Scratch.floats(2, Math.max(MR_NARROW * NR, DotCore.MR_DOT * DotCore.NR_DOT * L));
                // outᵀ of the block, [rows, mp], summed over the k-spans and written out transposed
                // once, 16×16 at a time: with one span too, tiles stored transposed straight into
                // out (8 scalars per row of out) ran slower
                float[] acc = Scratch.floats(3, nb * mp);
                for (int blk = b0; blk < b1; blk++) {
                    int wi = blockWeight[blk], n = ns[wi], n0 = blockRow[blk], rows = Math.min(nb, n - n0);
                    float[] out = outs[wi];
                    boolean direct = directs[wi], bf16 = types[wi] == DType.BF16;
                    if (!direct) {
                        for (int r = 0; r < rows; r++) {
                            Weights.read(wb, r * ldw, ws[wi], types[wi], (long) (n0 + r) * k, k);
                        }
                    }
                    // the first k-span writes acc (every valid row, and the columns below wideEnd, or all
                    // of them with the one-vector kernel), the others add to it; dotTailRows writes the
                    // tail's columns after the spans
                    for (int k0 = 0; k0 < k; k0 += kc) {
                        int kLen = Math.min(kc, k - k0);
                        boolean first = k0 == 0;
                        for (int i = 0; i < rows; i += MR) {
                            int vr = Math.min(MR, rows - i);
                            for (int j = 0; j < wideEnd; j += NR) {
                                if (direct) {
                                    rowsKernelDirect(acc, mp, 0, i, j, vr, Math.min(NR, mRows - j), ws[wi], bf16,
                                            (long) (n0 + i) * k + k0, k, kLen, xp, k0 * mp + j * kLen, tile, first);
                                } else {
                                    MicroKernel.rowsKernel(acc, mp, 0, i, j, vr, Math.min(NR, mRows - j), wb,
                                            i * ldw + k0, ldw, kLen, xp, k0 * mp + j * kLen, tile, first);
                                }
                            }
                        }
                        for (int i = 0; wideEnd < mRows && !dotTail && i < rows; i += MR_NARROW) {
                            rowsKernelNarrow(acc, mp, 0, i, wideEnd, Math.min(MR_NARROW, rows - i), mRows - wideEnd,
                                    wb, i * ldw + k0, ldw, kLen, xp, k0 * mp + wideEnd * kLen, tile, first);
                        }
                    }
                    if (dotTail) {
                        dotTailRows(acc, mp, wideEnd, mRows - wideEnd, x, (fm0 + wideEnd) * k, wb, ldw, rows, k, tile);
                    }
                    // transposed out, 16 rows of out at a time: acc is read along its rows (one cache
                    // line per 16 values) and each of the 16 rows of out is written front to back;
                    // whole 16×16 blocks through Packing.transpose16 (a scalar loop cost more)
                    for (int q0 = 0; q0 < mRows; q0 += 16) {
                        int q1 = Math.min(mRows, q0 + 16), r = 0;
                        if (L == 16 && q1 - q0 == 16) {
                            for (; r + 16 <= rows; r += 16) {
                                Packing.transpose16(acc, r * mp + q0, mp, out, (fm0 + q0) * n + n0 + r, n);
                            }
                        }
                        for (; r < rows; r++) {
                            for (int q = q0, o = (fm0 + q0) * n + n0 + r; q < q1; q++, o += n) out[o] = acc[r * mp + q];
                        }
                    }
                }
            });
        }
    }

    /**
     * Whether the forward of a block of mRows rows of x broadcasts W straight from its segment
     * (rowsKernelDirect) instead of converting each block of W into a padded buffer first: each
     * weight is then loaded and converted once per NR-wide panel of x instead of once, but never
     * written and read back. F32 (no conversion) up to DIRECT_PANELS_F32 panels (128 rows), BF16 (a
     * shift) up to DIRECT_PANELS_BF16 (32 rows, one whole panel: fewer BF16 rows take the dot tiles,
     * {@link Bf16DotTiles}), F16 never (its scalar conversion per broadcast lost). Only at 512-bit
     * vectors (NR = 32), the only width measured, as {@link MatMulVector#wholePanels}
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static boolean readsWeightsDirectly(DType type, int mRows) {
        int panels = Math.ceilDiv(mRows, NR);
        return L == 16 && (type == DType.F32 && panels <= DIRECT_PANELS_F32
                || type == DType.BF16 && panels <= DIRECT_PANELS_BF16);
    }

    /**
     * acc[r·mp + q0 + a] = x_(q0+a)·W_r for the a < t rows of x of a last panel shorter than L (x
     * row-major from x0, k apart) and the block's rows r < rows of converted W (wb, ldw apart): 4×4
     * dot tiles ({@link DotCore#tile}) over all of k. The one-vector kernel would run its L lanes
     * for t of them: the dot tiles won up to t = 12 and tied at 16 (benchmarks/README.md,
     * "Measurements behind the kernels' design").
     */
    private static void dotTailRows(float[] acc, int mp, int q0, int t, float[] x, int x0, float[] wb, int ldw,
                                    int rows, int k, float[] sums) {
        int len = k / L * L;
        for (int a0 = 0; a0 < t; a0 += DotCore.MR_DOT) {
            int xr = Math.min(DotCore.MR_DOT, t - a0), xo = x0 + a0 * k;
            for (int r = 0; r < rows; r += DotCore.NR_DOT) {
                int wr = Math.min(DotCore.NR_DOT, rows - r);
                DotCore.tile(x, xo, k, xr, wb, r * ldw, ldw, wr, len, sums);
                VectorMath.sumRows(sums, DotCore.MR_DOT * DotCore.NR_DOT);
                for (int a = 0; a < xr; a++) {
                    for (int b = 0; b < wr; b++) {
                        float v = sums[a * DotCore.NR_DOT + b];
                        for (int p = len; p < k; p++) v += x[xo + a * k + p] * wb[(r + b) * ldw + p];
                        acc[(r + b) * mp + q0 + a0 + a] = v;
                    }
                }
            }
        }
    }

    /**
     * Rows of W per forward task: at most 64 and W_BLOCK floats (x's panels are re-read once per
     * block, so fewer rows per block cost more of that traffic; k = 8192: 16 rows), and among those
     * the most rows whose blocks (over all the weights, each cut apart) the threads finish together
     * ({@link Parallel#makespan}): n = 576 on 2 threads is 12 blocks of 48, not 9 of 64 (one thread
     * doing 5 of them, the other 4).
     */
    static int forwardBlockRows(int[] ns, int k) {
        int most = Math.max(MR, Math.min(64, W_BLOCK / Math.max(1, k) / MR * MR));
        return Parallel.earliestBlock(most, MR, MR, rows -> Parallel.blockSizes(ns, rows));
    }

    /**
     * The forward's k-span: k in balanced spans of at most FORWARD_KC_SHORT below
     * FORWARD_LONG_SPAN_ROWS rows (the x panels of one span are re-read by every 8 rows of W; whole-k
     * spans ran slower there), else of at most FORWARD_KC_MAX (fewer tile flushes)
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static int forwardSpan(int m, int k) {
        int most = m < FORWARD_LONG_SPAN_ROWS ? FORWARD_KC_SHORT : FORWARD_KC_MAX;
        return Math.max(1, Math.ceilDiv(k, Math.ceilDiv(k, most)));
    }

    /**
     * {@link MicroKernel#rowsKernel} with A the rows of W itself (F32 or BF16, element a0 on, aStride apart),
     * each weight converted as it is broadcast: for few rows of x the conversion into a padded block
     * costs more than broadcasting a weight once per NR columns of x (see readsWeightsDirectly).
     * One method for the two dtypes: bf16 is invariant in the loop (a copy per dtype ran no faster).
     * Kept apart from rowsKernel: with the source as a parameter of rowsKernel and its one-vector
     * twin, their array path ran slower and C2 boxed the twin's vectors (benchmarks/README.md,
     * "Measurements behind the kernels' design").
     */
    private static void rowsKernelDirect(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, MemorySegment w,
                                         boolean bf16, long a0, long aStride, int kLen, float[] bp, int bo,
                                         float[] tile, boolean assign) {
        int last = vr - 1;
        long a1 = a0 + Math.min(1, last) * aStride, a2 = a0 + Math.min(2, last) * aStride;
        long a3 = a0 + Math.min(3, last) * aStride, a4 = a0 + Math.min(4, last) * aStride;
        long a5 = a0 + Math.min(5, last) * aStride, a6 = a0 + Math.min(6, last) * aStride;
        long a7 = a0 + Math.min(7, last) * aStride;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kLen; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a = broadcastWeight(w, bf16, a0 + p);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = broadcastWeight(w, bf16, a1 + p);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = broadcastWeight(w, bf16, a2 + p);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = broadcastWeight(w, bf16, a3 + p);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = broadcastWeight(w, bf16, a4 + p);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = broadcastWeight(w, bf16, a5 + p);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = broadcastWeight(w, bf16, a6 + p);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = broadcastWeight(w, bf16, a7 + p);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L);
        c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L);
        c71.intoArray(tile, 15 * L);
        MicroKernel.flush(c, ldc, cBase, ci, cj, vr, vc, tile, assign);
    }

    /** W[i] broadcast to L lanes, F32 or BF16 (a bf16 is a float's top half). */
    private static FloatVector broadcastWeight(MemorySegment w, boolean bf16, long i) {
        if (bf16) {
            return IntVector.broadcast(WeightsVector.I, w.get(Weights.I16_LE, i * 2) << 16).reinterpretAsFloats();
        }
        return FloatVector.broadcast(F, w.get(Weights.F32_LE, i * 4));
    }

    /**
     * {@link MicroKernel#rowsKernel} for a panel whose valid columns fit one vector (run for a last panel of x
     * of exactly L rows; fewer go through dotTailRows): MR_NARROW rows × 1 vector of accumulators,
     * the same 16 FMAs per step from one B load and 16 broadcasts.
     */
    private static void rowsKernelNarrow(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] ap,
                                         int a0, int aStride, int kLen, float[] bp, int bo, float[] tile, boolean assign) {
        int last = vr - 1;
        int a1 = a0 + Math.min(1, last) * aStride, a2 = a0 + Math.min(2, last) * aStride;
        int a3 = a0 + Math.min(3, last) * aStride, a4 = a0 + Math.min(4, last) * aStride;
        int a5 = a0 + Math.min(5, last) * aStride, a6 = a0 + Math.min(6, last) * aStride;
        int a7 = a0 + Math.min(7, last) * aStride, a8 = a0 + Math.min(8, last) * aStride;
        int a9 = a0 + Math.min(9, last) * aStride, a10 = a0 + Math.min(10, last) * aStride;
        int a11 = a0 + Math.min(11, last) * aStride, a12 = a0 + Math.min(12, last) * aStride;
        int a13 = a0 + Math.min(13, last) * aStride, a14 = a0 + Math.min(14, last) * aStride;
        int a15 = a0 + Math.min(15, last) * aStride;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int p = 0; p < kLen; p++) {
            FloatVector b = FloatVector.fromArray(F, bp, bo + p * NR);
            c0 = FloatVector.broadcast(F, ap[a0 + p]).fma(b, c0);
            c1 = FloatVector.broadcast(F, ap[a1 + p]).fma(b, c1);
            c2 = FloatVector.broadcast(F, ap[a2 + p]).fma(b, c2);
            c3 = FloatVector.broadcast(F, ap[a3 + p]).fma(b, c3);
            c4 = FloatVector.broadcast(F, ap[a4 + p]).fma(b, c4);
            c5 = FloatVector.broadcast(F, ap[a5 + p]).fma(b, c5);
            c6 = FloatVector.broadcast(F, ap[a6 + p]).fma(b, c6);
            c7 = FloatVector.broadcast(F, ap[a7 + p]).fma(b, c7);
            c8 = FloatVector.broadcast(F, ap[a8 + p]).fma(b, c8);
            c9 = FloatVector.broadcast(F, ap[a9 + p]).fma(b, c9);
            c10 = FloatVector.broadcast(F, ap[a10 + p]).fma(b, c10);
            c11 = FloatVector.broadcast(F, ap[a11 + p]).fma(b, c11);
            c12 = FloatVector.broadcast(F, ap[a12 + p]).fma(b, c12);
            c13 = FloatVector.broadcast(F, ap[a13 + p]).fma(b, c13);
            c14 = FloatVector.broadcast(F, ap[a14 + p]).fma(b, c14);
            c15 = FloatVector.broadcast(F, ap[a15 + p]).fma(b, c15);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        c8.intoArray(tile, 8 * NR);
        c9.intoArray(tile, 9 * NR);
        c10.intoArray(tile, 10 * NR);
        c11.intoArray(tile, 11 * NR);
        c12.intoArray(tile, 12 * NR);
        c13.intoArray(tile, 13 * NR);
        c14.intoArray(tile, 14 * NR);
        c15.intoArray(tile, 15 * NR);
        MicroKernel.flush(c, ldc, cBase, ci, cj, vr, vc, tile, assign);
    }
}
