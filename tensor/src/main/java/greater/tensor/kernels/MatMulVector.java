// Dense products in the nn.Linear layout.
//   m = rows of the input (tokens), k = input features, n = output features.
//   x [m,k], W [n,k] (row-major, as stored by PyTorch Linear), out/dy [m,n], dx [m,k], dw [n,k].
//   GEMM cores: C[M,N] (+)= A[M,K]·op(B), p indexes K; L = float lanes.
//   Dot core: B is [N,K]; rows of A and B are packed with K padded to kp (a multiple of L); an
//   MR_DOT×NR_DOT tile of C is 16 dot products. Outer cores: B is [K,N]; B is packed in panels of
//   NR columns, k-major (panel[p][q]); A is packed in panels of MR rows (panel[p][r]) or read as MR
//   rows of a row-major buffer; an MR×NR tile of C accumulates one k-span of outer products (KC,
//   longer where a core says so).
package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The Vector API side of {@link MatMul} (see there for the cores); loaded only when VectorApi.ENABLED.
 * Dot products end in {@link VectorMath}'s fixed-order lane sums, never {@code reduceLanes(ADD)}, so
 * they give the same bits interpreted and compiled (see {@link VectorApi} on reproducibility); the
 * tiles and the 4-row GEMV leave their accumulators in a buffer and their callers sum them
 * ({@link VectorMath#sumRows}), which keeps C2 from boxing them.
 */
final class MatMulVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /** Outer core tile: MR·NR/L = 16 accumulators + 2 B vectors + 1 broadcast, of 32 AVX-512 registers. */
    static final int MR = 8, NR = 2 * L;
    /** Forward rows of W per one-vector (narrow) tile: 16 accumulators. */
    static final int MR_NARROW = 16;
    /** Outer core k-span: a KC×NR panel of B (32 KiB at L = 16) stays inside L1. */
    static final int KC = 256;
    /**
     * Forward: floats of converted W per task block (512 KiB, half an L2). A block is whole rows,
     * so its read is one contiguous stretch of the file.
     */
    static final int W_BLOCK = 128 * 1024;
    /** Forward: converted rows of W sit k + LDW_PAD floats apart, so 8 broadcast streams do not share one L1 set. */
    static final int LDW_PAD = 16;
    /**
     * W rows packed together into B panels: one row at a time writes one NR-float row per panel,
     * kLen·NR floats apart (an L1 set conflict and a new page per store); 8 rows write 1 KiB runs
     * from 8 read streams (16 was slower at M = 16: more streams than the prefetchers follow).
     */
    static final int PACK_ROWS = 8;
    /**
     * Forward k-span from FORWARD_LONG_SPAN_ROWS rows of x on: up to this many k-steps per tile
     * (balanced spans), so each tile's accumulators are flushed once instead of k/KC times; below
     * that, up to FORWARD_KC_SHORT.
     */
    static final int FORWARD_KC_MAX = 2048, FORWARD_LONG_SPAN_ROWS = 128, FORWARD_KC_SHORT = 512;
    /**
     * Outer core with A's rows (dx = dy·W, gemmOuter): floats of packed B per task block (512 KiB),
     * which sets its k-span (rowsSpan): one span of 576 instead of three of KC at 256×576×576, 4
     * alternations, medians 197.5 → 207.1 GFLOP/s (BF16) and 196.2 → 206.6 (F32), benchmarks/README.md.
     */
    static final int ROWS_B_BLOCK = 128 * 1024;
    /** Rows of A packed per outer block (bounds the packed A buffer for long inputs). */
    static final int MC = 1024;
    /**
     * Rows of C per task of gemmSplitRows at most (with KC-long spans 128 rows beat 256 at
     * 1024×576×1536; with 1536-long spans 64 and 256 gave −2 to +3%), and the rows per thread from
     * which it replaces split-K (at 256 rows in all it was no faster).
     */
    static final int ROW_BLOCK = 128, SPLIT_ROWS_MIN_ROWS = 256;
    /**
     * gemmSplitRows: W's rows per k-span at most, and NR-wide panels per packing task. Longer spans
     * flush each tile of C fewer times: 1536 against KC = 256 won although a block's A span, 128 ×
     * 1536 floats, then takes most of L2 ({@link #gemmSplitRows}).
     */
    static final int SPLIT_ROWS_SPAN = 1536, PACK_PANELS = 4;
    /**
     * Split-K up to this many columns of dx; wider ones split the columns (gemmOuter), which needs
     * no partial dx per thread. With whole-width slabs split-K lost there (128×8192×2048 bf16: 142
     * against 176 GFLOP/s); packed in chunks of columns it was mixed (128×8192×2048 BF16 −4 to −6%,
     * 64×3072×1024 F32 +3–6%, harness, benchmarks/README.md, eleventh pass).
     */
    static final int SPLIT_K_MAX_COLUMNS = 2048;
    /**
     * Split-K's span of W's rows and chunk of its columns: a chunk's panels (512 KiB of floats)
     * stay in L2 while every row of A passes over them ({@link #gemmSplitK}).
     */
    static final int SPLIT_K_SPAN = 512, SPLIT_K_CHUNK = 256;
    /** W packed whole for gemmSplitRows up to this many floats (8 MB), else split-K. */
    static final long SPLIT_ROWS_MAX_PACKED = 2L << 20;
    /** Dot core tile: 16 accumulators + 4 A vectors + 1 B vector. */
    static final int MR_DOT = 4, NR_DOT = 4;
    /** Dot core: B rows per task (NB_DOT·kp floats of packed W stay in L2) and the k-span per pass. */
    static final int NB_DOT = 64, KB = 512;
    /** Up to this many rows the forward is a GEMV (packing W would cost as much as the product). */
    static final int GEMV_MAX_ROWS = 3;
    /**
     * BF16 forward with fewer rows than this takes the dot tiles (gemmRowsBf16), and with fewer
     * than BF16_ROWS_MAX_LONG_K when k ≥ BF16_LONG_K (their horizontal sums weigh less on long rows)
     * unless the rows fill whole NR-wide panels of the outer core: 32×2048×2048 184–187 GFLOP/s
     * there against 169–177 in dot tiles, while 48 rows (a panel and a half) ran 152–167 against
     * 162–169 (3 alternations, benchmarks/README.md).
     */
    static final int BF16_ROWS_MAX = 32, BF16_ROWS_MAX_LONG_K = 64, BF16_LONG_K = 1024;

    /** m rows fill whole NR-wide panels; only measured, and so only used, at 512-bit vectors (NR = 32). */
    static boolean wholePanels(int m) {
        return L == 16 && m % NR == 0;
    }
    /**
     * BF16 input gradient of up to 8 rows, of whole blocks of 8 rows up to BF16_GRAD_ROWS_MAX, or
     * of a dx of at most BF16_GRAD_ROWS_MAX_ELEMENTS floats takes inputGradRowsBf16: a span of W's
     * rows comes from memory once for all rows of dx (from L2 for every block after the first and
     * for the rows past the last block). Longer ones pack W (from 32×2048 on it won). 16 rows
     * against the packing paths (split-K; column blocks past SPLIT_K_MAX_COLUMNS columns of dx),
     * harness, W in L3 / in DRAM: ×2048×2048 +15% / +7%, ×8192×2048 +2% / +20%, ×2048 × 8192 rows
     * of W −3% / +4%; 24 rows ×2048×2048 +10% / −6%, 32 rows ±5%. With rows past a whole block
     * it did not win (15 rows ×2048×2048 and × 8192 rows of W: 16 of 20 comparisons lost, by 2–30%,
     * 4 won, by 5–17%; 11 rows −3 to +10%; those rows run as a block padded with zero rows of dy:
     * −15 to +5%), so 9–15 rows pack unless dx is small (benchmarks/README.md, eleventh pass).
     */
    static final int BF16_GRAD_ROWS_MAX = 16, BF16_GRAD_ROWS_MAX_ELEMENTS = 24 * 1024;
    /**
     * BF16 row kernel of the input gradient: a thread's range of W holds at least this many weights;
     * the 8-row register kernel passes over all of dx's columns once per span of this many rows of
     * W (64 against 256: 1.3x faster with W in DRAM, 0.85x with W in L3).
     */
    static final int BF16_GRAD_GRAIN_WEIGHTS = 256 * 1024, BF16_GRAD_SPAN = 64;
    /**
     * Panels of x (NR rows each) up to which the forward reads W's rows straight from the file
     * ({@link #readsWeightsDirectly}). Harness, direct against converted, rows × 2048 × 2048 with W
     * cycled through 8-16 copies (in DRAM): F32 32/64/96/128 rows +36/+12/+6/+5%, 192 and 256 rows
     * ±1-3% and −1-3%; BF16 32 rows +7-9%, 64 rows −6 to +8%, 96 rows −11% (benchmarks/README.md,
     * tenth pass).
     */
    static final int DIRECT_PANELS_F32 = 4, DIRECT_PANELS_BF16 = 1;
    /** From this many rows the forward uses the outer core (fewer would leave most of an NR-wide tile idle). */
    static final int FORWARD_OUTER_MIN_ROWS = 16;

    private MatMulVector() {
    }

    /** Copies operand rows [row0, row0 + rows), K floats each, to dst[dstOff + r·stride + p]. */
    @FunctionalInterface
    interface RowPacker {
        void pack(float[] dst, int dstOff, int stride, int row0, int rows);
    }

    /**
     * Packs a k-span [k0, k0 + kLen) of R-wide panels covering operand indices [i0, i0 + count)
     * (rows of A, or columns of B): dst[dstOff + (q·kLen + p)·R + r] = op(i0 + q·R + r, k0 + p),
     * zero past i0 + count.
     */
    @FunctionalInterface
    interface PanelPacker {
        void pack(float[] dst, int dstOff, int R, int i0, int count, int k0, int kLen);
    }

    /** out[m,n] = x[m,k]·W[n,k]ᵀ (overwrites out). */
    static void matmul(float[] out, float[] x, int m, int k, MemorySegment w, DType wType, int n) {
        if (m <= GEMV_MAX_ROWS) {
            gemv(out, x, m, k, w, wType, n);
            return;
        }
        if (rowsBf16(m, k, wType)) {
            gemmRowsBf16(out, x, m, k, w, n);
            return;
        }
        if (m >= FORWARD_OUTER_MIN_ROWS) {
            gemmForward(new float[][]{out}, x, m, k, new MemorySegment[]{w}, new DType[]{wType}, new int[]{n}, true);
            return;
        }
        gemmDot(out, m, n, k,
                (dst, off, stride, row0, rows) -> copyRows(dst, off, stride, x, k, row0, rows),
                (dst, off, stride, row0, rows) -> copyWeightRows(dst, off, stride, w, wType, k, row0, rows));
    }

    /** Whether the forward of m rows takes the BF16 dot tiles ({@link #gemmRowsBf16}). */
    private static boolean rowsBf16(int m, int k, DType wType) {
        return wType == DType.BF16 && (m < BF16_ROWS_MAX || m < BF16_ROWS_MAX_LONG_K && k >= BF16_LONG_K && !wholePanels(m));
    }

    /**
     * outs[i][m,ns[i]] = x[m,k]·W_i[ns[i],k]ᵀ for weights read by one input: where the outer core
     * runs, x is packed once and the blocks of all the weights' rows are one set of tasks; else
     * each product as {@link #matmul}.
     */
    static void matmulShared(float[][] outs, float[] x, int m, int k, MemorySegment[] ws, DType[] types, int[] ns) {
        boolean outer = m >= FORWARD_OUTER_MIN_ROWS;
        for (DType type : types) outer &= !rowsBf16(m, k, type);
        if (outer) {
            gemmForward(outs, x, m, k, ws, types, ns, true);
        } else {
            for (int i = 0; i < ws.length; i++) matmul(outs[i], x, m, k, ws[i], types[i], ns[i]);
        }
    }


    /**
     * dx[m,k] += dy[m,n]·W[n,k], or = when not accumulate (the first k-span's tiles store instead
     * of adding, so dx is neither zeroed nor read): the outer core with A = dy, B = W (its rows are the k-steps),
     * split over W's rows when there are enough of them and dx has at most SPLIT_K_MAX_COLUMNS
     * columns (over dy's rows instead, with W packed once, when dy has many rows and W packs into
     * SPLIT_ROWS_MAX_PACKED), else over its columns. dy is read by
     * rows (copied to a padded stride), not packed into panels: an 8-row panel is a transpose that
     * went element by element (5% of a gradient's time, benchmarks/README.md).
     */
    static void inputGrad(float[] dx, float[] dy, int m, int n, MemorySegment w, DType wType, int k, boolean accumulate) {
        if (wType == DType.BF16 && (m <= 8 || m <= BF16_GRAD_ROWS_MAX && m % 8 == 0 || m * k <= BF16_GRAD_ROWS_MAX_ELEMENTS)) {
            if (!accumulate) Arrays.fill(dx, 0, m * k, 0f); // at most 24k floats, or 16 rows
            inputGradRowsBf16(dx, dy, m, n, w, k);
            return;
        }
        if (MatMul.ceilDiv(n, KC) >= 2 * Parallel.THREADS) {
            int span = splitRowsSpan(n);
            long packed = (long) MatMul.ceilDiv(n, span) * span * MatMul.roundUp(k, NR);
            if (m >= SPLIT_ROWS_MIN_ROWS * Parallel.THREADS && packed <= SPLIT_ROWS_MAX_PACKED) {
                gemmSplitRows(dx, m, k, n, dy, w, wType, accumulate);
                return;
            }
            if (k <= SPLIT_K_MAX_COLUMNS) {
                gemmSplitK(dx, m, k, n, dy, w, wType, accumulate);
                return;
            }
        }
        gemmOuter(dx, m, k, n, null, dy,
                (dst, off, R, i0, count, k0, kLen) -> packWeightPanels(dst, off, R, w, wType, k, i0, count, k0, kLen),
                accumulate);
    }


    /** dw[n,k] += Σ_m dy[m,n]·x[m,k]: the outer core with A = dyᵀ, B = x, or rank-1 updates for tiny m. */
    static void accumulateWeightGrad(float[] dw, float[] dy, float[] x, int m, int n, int k) {
        if (m <= GEMV_MAX_ROWS) {
            Parallel.forRange(n, Math.max(1, 16384 / Math.max(1, k * m)), (j0, j1) -> {
                for (int j = j0; j < j1; j++) {
                    for (int i = 0; i < m; i++) axpy(dw, j * k, dy[i * n + j], x, i * k, k);
                }
            });
            return;
        }
        gemmOuter(dw, n, k, m,
                (dst, off, R, i0, count, k0, kLen) -> packColumnPanels(dst, off, R, dy, n, i0, count, k0, kLen), null,
                (dst, off, R, i0, count, k0, kLen) -> packColumnPanels(dst, off, R, x, k, i0, count, k0, kLen), true);
    }


    /**
     * dx[m,k] += dy[m,n]·W[n,k] for BF16 W and few rows, W converted in registers (even and odd
     * elements apart, as {@link #deinterleave}; dx is kept deinterleaved meanwhile) and never stored
     * as floats. Each block of 8 rows of dx keeps 2L of its columns in registers while a span of W's
     * rows passes ({@link #inputGradRows8Bf16}); the rows past the last block of 8 take 8 rows of W
     * at a time, converted once for all of them ({@link #inputGradRowsBf16(float[], int, float[],
     * int, int, int, MemorySegment, int, int, int, int, int)}). Every block and then those rows run
     * over one span of W before the next span, so a span comes from memory once (a block at a
     * time over all of W read W once per block: the 16×576 × 49152 LM head −10% with W in L3, −20%
     * in DRAM; 15 rows, the rows past the block over all of W after it: −21%, −19%). Threads claim
     * ranges of W's rows (groups of 8, one range per thread: two per thread ran 0.7x as fast when
     * their count did not divide evenly), each range summed into its own partial dx and the
     * partials added in range order at the end, so the result does not depend on which thread took
     * which range: a split of dx's columns had each thread read half of every W row, and two
     * threads ran 1.3x one (benchmarks/README.md).
     */
    static void inputGradRowsBf16(float[] dx, float[] dy, int m, int n, MemorySegment w, int k) {
        int k2 = k / (2 * L) * (2 * L), size = m * k2;
        float[] dq = deinterleave(dx, m, k, k2);
        int groups = MatMul.ceilDiv(n, 8), n8 = groups * 8;
        // dy with zero columns up to a whole group of 8, so the row kernel broadcasts straight from memory
        float[] dyp = n8 == n ? dy : padColumns(dy, m, n, n8);
        int m8 = m / 8 * 8;
        // dy's first m8 rows transposed in blocks of 8 rows: dyT[b·n + j·8 + i] = dy[(b + i)·n + j]
        float[] dyT = m8 > 0 ? Scratch.floats(5, m8 * n) : null;
        // ranges of W's rows, each summed into its own partial dx (the first into dq itself), added
        // in range order at the end: the same sums whichever thread takes which range
        int ranges = Math.min(Parallel.THREADS,
                Math.max(1, groups / Math.max(1, BF16_GRAD_GRAIN_WEIGHTS / (8 * Math.max(1, k)))));
        float[] partials = ranges > 1 ? Scratch.floats(4, (ranges - 1) * size) : null;
        Parallel.forRange(ranges, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                float[] target = r == 0 ? dq : partials;
                int off = r == 0 ? 0 : (r - 1) * size;
                int from = (int) ((long) r * groups / ranges) * 8;
                int to = Math.min(n, (int) ((long) (r + 1) * groups / ranges) * 8);
                for (int b = 0; b < m8; b += 8) {
                    for (int j = from; j < to; j++) {
                        for (int i = 0; i < 8; i++) dyT[b * n + j * 8 + i] = dy[(b + i) * n + j];
                    }
                }
                if (r > 0 && m8 < m) Arrays.fill(partials, off + m8 * k2, off + size, 0f);
                // spans outer, rows of dx inner: a span of W (BF16_GRAD_SPAN rows) comes from memory
                // for the first block of 8 rows and from L2 for the other blocks and the rows past them
                float[] sink = Scratch.floats(1, L);
                for (int j0 = from; j0 < to; j0 += BF16_GRAD_SPAN) {
                    int j1 = Math.min(to, j0 + BF16_GRAD_SPAN);
                    for (int b = 0; b < m8; b += 8) {
                        // a partial's first span starts from zero, not from what its buffer held
                        inputGradRows8Bf16(target, off + b * k2, k2, r > 0 && j0 == from, dyT, b * n, w, k, k2, j0, j1,
                                Math.min(to, j1 + BF16_GRAD_SPAN), sink);
                    }
                    if (m8 < m) inputGradRowsBf16(target, off, dyp, n8, m8, m, w, n, k, k2, j0, j1);
                }
            }
        });
        // back to dx's order, with the partial sums, and the columns past the last whole 2L chunk
        Parallel.forRange(m, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                interleaveSum(dx, i * k, dq, partials, i * k2, ranges - 1, size, k2);
                for (int j = 0; j < n && k2 < k; j++) {
                    float g = dy[i * n + j];
                    for (int p = k2; p < k; p++) dx[i * k + p] += g * Weights.get(w, DType.BF16, (long) j * k + p);
                }
            }
        });
    }

    /**
     * dq[off + i·k2 + p] += Σ_j dy[i·ldy + j]·W[j, p] for rows i in [i0, m), W's rows j in [from, to)
     * (a multiple of 8 from) and the whole 2L chunks p &lt; k2: 8 rows of W converted at a time, then
     * every row of dx loads, takes 16 FMAs from those registers and stores its 2L columns. dy's
     * columns from n to the next multiple of 8 are zero, and rows of W past n re-read row n − 1.
     */
    private static void inputGradRowsBf16(float[] dq, int off, float[] dy, int ldy, int i0, int m, MemorySegment w, int n,
                                          int k, int k2, int from, int to) {
        for (int j0 = from; j0 < to; j0 += 8) {
            int last = Math.min(8, n - j0) - 1;
            long r0 = (long) j0 * k, r1 = r0 + (long) Math.min(1, last) * k, r2 = r0 + (long) Math.min(2, last) * k;
            long r3 = r0 + (long) Math.min(3, last) * k, r4 = r0 + (long) Math.min(4, last) * k;
            long r5 = r0 + (long) Math.min(5, last) * k, r6 = r0 + (long) Math.min(6, last) * k;
            long r7 = r0 + (long) Math.min(7, last) * k;
            for (int p = 0; p < k2; p += 2 * L) {
                IntVector v = pairs(w, r0 + p);
                FloatVector e0 = evenBf16(v), o0 = oddBf16(v);
                v = pairs(w, r1 + p);
                FloatVector e1 = evenBf16(v), o1 = oddBf16(v);
                v = pairs(w, r2 + p);
                FloatVector e2 = evenBf16(v), o2 = oddBf16(v);
                v = pairs(w, r3 + p);
                FloatVector e3 = evenBf16(v), o3 = oddBf16(v);
                v = pairs(w, r4 + p);
                FloatVector e4 = evenBf16(v), o4 = oddBf16(v);
                v = pairs(w, r5 + p);
                FloatVector e5 = evenBf16(v), o5 = oddBf16(v);
                v = pairs(w, r6 + p);
                FloatVector e6 = evenBf16(v), o6 = oddBf16(v);
                v = pairs(w, r7 + p);
                FloatVector e7 = evenBf16(v), o7 = oddBf16(v);
                for (int i = i0; i < m; i++) {
                    int g = i * ldy + j0, q = off + i * k2 + p;
                    FloatVector b = FloatVector.broadcast(F, dy[g]);
                    FloatVector ae = e0.fma(b, FloatVector.fromArray(F, dq, q));
                    FloatVector ao = o0.fma(b, FloatVector.fromArray(F, dq, q + L));
                    b = FloatVector.broadcast(F, dy[g + 1]);
                    ae = e1.fma(b, ae);
                    ao = o1.fma(b, ao);
                    b = FloatVector.broadcast(F, dy[g + 2]);
                    ae = e2.fma(b, ae);
                    ao = o2.fma(b, ao);
                    b = FloatVector.broadcast(F, dy[g + 3]);
                    ae = e3.fma(b, ae);
                    ao = o3.fma(b, ao);
                    b = FloatVector.broadcast(F, dy[g + 4]);
                    ae = e4.fma(b, ae);
                    ao = o4.fma(b, ao);
                    b = FloatVector.broadcast(F, dy[g + 5]);
                    ae = e5.fma(b, ae);
                    ao = o5.fma(b, ao);
                    b = FloatVector.broadcast(F, dy[g + 6]);
                    ae = e6.fma(b, ae);
                    ao = o6.fma(b, ao);
                    b = FloatVector.broadcast(F, dy[g + 7]);
                    ae = e7.fma(b, ae);
                    ao = o7.fma(b, ao);
                    ae.intoArray(dq, q);
                    ao.intoArray(dq, q + L);
                }
            }
        }
    }

    /**
     * dq[off + i·ldq + p] += Σ_j dyT[dyOff + 8j + i]·W[j, p] (= instead of += when fromZero) for 8
     * rows i, W's rows j in [from, to) and the whole 2L chunks p &lt; k2: the 8 rows' 2L columns stay
     * in 16 registers while the rows of W pass, one 2L-chunk of each converted once for 16 FMAs.
     * Every row of W starts in the same L1 set when k·2 bytes is a multiple of 4 KiB, so a kernel
     * that kept dx in L1 while 8 rows of W streamed through it lost dx's lines to them
     * (benchmarks/README.md). Each step also loads 2L weights of the next span, rows [to, nextTo),
     * in address order (at the end of W, the last 2L weights of this span again) and leaves their
     * OR in sink (L floats), so the JIT keeps those loads.
     */
    private static void inputGradRows8Bf16(float[] dq, int off, int ldq, boolean fromZero, float[] dyT, int dyOff,
                                           MemorySegment w, int k, int k2, int from, int to, int nextTo, float[] sink) {
        // read down a column, W's rows are a new page each, which the prefetchers do not follow; the
        // next span read front to back is one stream they do, so it comes from cache when its turn
        // comes ((to − from)·k2 / 2L steps of 2L weights: about the next span's (nextTo − to)·k)
        long touch = (long) to * k, touchLast = (long) nextTo * k - 2 * L;
        IntVector touched = IntVector.zero(WeightsVector.I);
        for (int p = 0; p < k2; p += 2 * L) {
            int q = off + p;
            FloatVector a0, b0, a1, b1, a2, b2, a3, b3, a4, b4, a5, b5, a6, b6, a7, b7;
            if (fromZero) {
                a0 = b0 = a1 = b1 = a2 = b2 = a3 = b3 = a4 = b4 = a5 = b5 = a6 = b6 = a7 = b7 = FloatVector.zero(F);
            } else {
                a0 = FloatVector.fromArray(F, dq, q);
                b0 = FloatVector.fromArray(F, dq, q + L);
                a1 = FloatVector.fromArray(F, dq, q + ldq);
                b1 = FloatVector.fromArray(F, dq, q + ldq + L);
                a2 = FloatVector.fromArray(F, dq, q + 2 * ldq);
                b2 = FloatVector.fromArray(F, dq, q + 2 * ldq + L);
                a3 = FloatVector.fromArray(F, dq, q + 3 * ldq);
                b3 = FloatVector.fromArray(F, dq, q + 3 * ldq + L);
                a4 = FloatVector.fromArray(F, dq, q + 4 * ldq);
                b4 = FloatVector.fromArray(F, dq, q + 4 * ldq + L);
                a5 = FloatVector.fromArray(F, dq, q + 5 * ldq);
                b5 = FloatVector.fromArray(F, dq, q + 5 * ldq + L);
                a6 = FloatVector.fromArray(F, dq, q + 6 * ldq);
                b6 = FloatVector.fromArray(F, dq, q + 6 * ldq + L);
                a7 = FloatVector.fromArray(F, dq, q + 7 * ldq);
                b7 = FloatVector.fromArray(F, dq, q + 7 * ldq + L);
            }
            for (int j = from; j < to; j++) {
                touched = touched.or(pairs(w, Math.min(touch, touchLast)));
                touch += 2 * L;
                IntVector v = pairs(w, (long) j * k + p);
                FloatVector e = evenBf16(v), o = oddBf16(v);
                int g = dyOff + 8 * j;
                FloatVector d = FloatVector.broadcast(F, dyT[g]);
                a0 = e.fma(d, a0);
                b0 = o.fma(d, b0);
                d = FloatVector.broadcast(F, dyT[g + 1]);
                a1 = e.fma(d, a1);
                b1 = o.fma(d, b1);
                d = FloatVector.broadcast(F, dyT[g + 2]);
                a2 = e.fma(d, a2);
                b2 = o.fma(d, b2);
                d = FloatVector.broadcast(F, dyT[g + 3]);
                a3 = e.fma(d, a3);
                b3 = o.fma(d, b3);
                d = FloatVector.broadcast(F, dyT[g + 4]);
                a4 = e.fma(d, a4);
                b4 = o.fma(d, b4);
                d = FloatVector.broadcast(F, dyT[g + 5]);
                a5 = e.fma(d, a5);
                b5 = o.fma(d, b5);
                d = FloatVector.broadcast(F, dyT[g + 6]);
                a6 = e.fma(d, a6);
                b6 = o.fma(d, b6);
                d = FloatVector.broadcast(F, dyT[g + 7]);
                a7 = e.fma(d, a7);
                b7 = o.fma(d, b7);
            }
            a0.intoArray(dq, q);
            b0.intoArray(dq, q + L);
            a1.intoArray(dq, q + ldq);
            b1.intoArray(dq, q + ldq + L);
            a2.intoArray(dq, q + 2 * ldq);
            b2.intoArray(dq, q + 2 * ldq + L);
            a3.intoArray(dq, q + 3 * ldq);
            b3.intoArray(dq, q + 3 * ldq + L);
            a4.intoArray(dq, q + 4 * ldq);
            b4.intoArray(dq, q + 4 * ldq + L);
            a5.intoArray(dq, q + 5 * ldq);
            b5.intoArray(dq, q + 5 * ldq + L);
            a6.intoArray(dq, q + 6 * ldq);
            b6.intoArray(dq, q + 6 * ldq + L);
            a7.intoArray(dq, q + 7 * ldq);
            b7.intoArray(dq, q + 7 * ldq + L);
        }
        touched.reinterpretAsFloats().intoArray(sink, 0);
    }

    /** dy [m, n] copied to [m, n8] with zero columns n..n8. */
    private static float[] padColumns(float[] dy, int m, int n, int n8) {
        float[] p = new float[m * n8];
        for (int i = 0; i < m; i++) System.arraycopy(dy, i * n, p, i * n8, n);
        return p;
    }

    /**
     * dx[dxOff + c + ·] = dq[q + c + ·] + Σ_t partials[t·size + q + c + ·] (t &lt; count, in order) for
     * the deinterleaved 2L-chunks c &lt; k2 of one row, put back in dx's order (the inverse of
     * {@link #deinterleave}).
     */
    private static void interleaveSum(float[] dx, int dxOff, float[] dq, float[] partials, int q, int count, int size,
                                      int k2) {
        for (int c = 0; c < k2; c += 2 * L) {
            FloatVector e = FloatVector.fromArray(F, dq, q + c), o = FloatVector.fromArray(F, dq, q + c + L);
            for (int t = 0; t < count; t++) {
                e = e.add(FloatVector.fromArray(F, partials, t * size + q + c));
                o = o.add(FloatVector.fromArray(F, partials, t * size + q + c + L));
            }
            INTERLEAVE_LOW.selectFrom(e, o).intoArray(dx, dxOff + c);
            INTERLEAVE_HIGH.selectFrom(e, o).intoArray(dx, dxOff + c + L);
        }
    }

    // ---- dot core -----------------------------------------------------------------------------

    /** C[M,N] = A·Bᵀ (overwrites); A and B come row by row from their packers. */
    static void gemmDot(float[] c, int M, int N, int K, RowPacker a, RowPacker b) {
        if (M <= 0 || N <= 0) return;
        if (K <= 0) {
            Arrays.fill(c, 0, M * N, 0f);
            return;
        }
        int kp = MatMul.roundUp(K, L);
        float[] ap = Scratch.floats(0, Math.min(MC, MatMul.roundUp(M, MR_DOT)) * kp);
        int nBlocks = MatMul.ceilDiv(N, NB_DOT);
        for (int m0 = 0; m0 < M; m0 += MC) {
            int mRows = Math.min(MC, M - m0);
            packPadded(ap, kp, K, a, m0, mRows, MatMul.roundUp(mRows, MR_DOT));
            int fm0 = m0;
            Parallel.forRange(nBlocks, 1, (b0, b1) -> {
                float[] bp = Scratch.floats(1, NB_DOT * kp);
                float[] sums = Scratch.floats(2, MR_DOT * NR_DOT * L);
                for (int blk = b0; blk < b1; blk++) {
                    int n0 = blk * NB_DOT, nRows = Math.min(NB_DOT, N - n0);
                    packPadded(bp, kp, K, b, n0, nRows, MatMul.roundUp(nRows, NR_DOT));
                    multiplyBlock(c, N, fm0, mRows, n0, nRows, ap, bp, kp, sums);
                }
            });
        }
    }

    /** Packs rows then zeroes the column padding [K, kp) and the padding rows [rows, paddedRows). */
    private static void packPadded(float[] dst, int kp, int K, RowPacker packer, int row0, int rows, int paddedRows) {
        packer.pack(dst, 0, kp, row0, rows);
        if (K < kp) {
            for (int r = 0; r < rows; r++) Arrays.fill(dst, r * kp + K, (r + 1) * kp, 0f);
        }
        Arrays.fill(dst, rows * kp, paddedRows * kp, 0f);
    }

    /** One packed A block × one packed B block; i-tiles outside so an A tile stays in L1 across B tiles. */
    private static void multiplyBlock(float[] c, int ldc, int m0, int mRows, int n0, int nRows, float[] ap, float[] bp,
                                      int kp, float[] sums) {
        for (int k0 = 0; k0 < kp; k0 += KB) {
            int len = Math.min(KB, kp - k0);
            boolean acc = k0 > 0;
            for (int i = 0; i < mRows; i += MR_DOT) {
                for (int j = 0; j < nRows; j += NR_DOT) {
                    tile(ap, i * kp + k0, kp, MR_DOT, bp, j * kp + k0, kp, NR_DOT, len, sums);
                    storeTile(c, ldc, m0 + i, n0 + j, Math.min(MR_DOT, mRows - i), Math.min(NR_DOT, nRows - j), acc,
                            sums);
                }
            }
        }
    }

    /**
     * sums[(r·NR_DOT + q)·L, +L) = the lanes of the 4×4 dot products of rows r of A (at a0, aStride
     * apart) and q of B (at b0, bStride apart) over [0, len) (len a multiple of L), for {@link
     * #storeTile}; a row past aRows (bRows) re-reads row aRows − 1 (bRows − 1). Their horizontal sums
     * are left to the caller: inlined here, next to 16 accumulators, they outgrow C2's inlining node
     * budget and get boxed.
     */
    private static void tile(float[] ap, int a0, int aStride, int aRows, float[] bp, int b0, int bStride, int bRows,
                             int len, float[] sums) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a1 = a0 + Math.min(1, aRows - 1) * aStride, a2 = a0 + Math.min(2, aRows - 1) * aStride;
        int a3 = a0 + Math.min(3, aRows - 1) * aStride;
        int b1 = b0 + Math.min(1, bRows - 1) * bStride, b2 = b0 + Math.min(2, bRows - 1) * bStride;
        int b3 = b0 + Math.min(3, bRows - 1) * bStride;
        for (int p = 0; p < len; p += L) {
            FloatVector x0 = FloatVector.fromArray(F, ap, a0 + p);
            FloatVector x1 = FloatVector.fromArray(F, ap, a1 + p);
            FloatVector x2 = FloatVector.fromArray(F, ap, a2 + p);
            FloatVector x3 = FloatVector.fromArray(F, ap, a3 + p);
            FloatVector w = FloatVector.fromArray(F, bp, b0 + p);
            c00 = x0.fma(w, c00);
            c10 = x1.fma(w, c10);
            c20 = x2.fma(w, c20);
            c30 = x3.fma(w, c30);
            w = FloatVector.fromArray(F, bp, b1 + p);
            c01 = x0.fma(w, c01);
            c11 = x1.fma(w, c11);
            c21 = x2.fma(w, c21);
            c31 = x3.fma(w, c31);
            w = FloatVector.fromArray(F, bp, b2 + p);
            c02 = x0.fma(w, c02);
            c12 = x1.fma(w, c12);
            c22 = x2.fma(w, c22);
            c32 = x3.fma(w, c32);
            w = FloatVector.fromArray(F, bp, b3 + p);
            c03 = x0.fma(w, c03);
            c13 = x1.fma(w, c13);
            c23 = x2.fma(w, c23);
            c33 = x3.fma(w, c33);
        }
        // to a per-thread buffer: passing the vectors to a helper would make C2 box them
        c00.intoArray(sums, 0);
        c01.intoArray(sums, L);
        c02.intoArray(sums, 2 * L);
        c03.intoArray(sums, 3 * L);
        c10.intoArray(sums, 4 * L);
        c11.intoArray(sums, 5 * L);
        c12.intoArray(sums, 6 * L);
        c13.intoArray(sums, 7 * L);
        c20.intoArray(sums, 8 * L);
        c21.intoArray(sums, 9 * L);
        c22.intoArray(sums, 10 * L);
        c23.intoArray(sums, 11 * L);
        c30.intoArray(sums, 12 * L);
        c31.intoArray(sums, 13 * L);
        c32.intoArray(sums, 14 * L);
        c33.intoArray(sums, 15 * L);
    }

    /** C[ci..ci+vr, cj..cj+vc] (+)= the horizontal sums of {@link #tile}'s lanes. */
    private static void storeTile(float[] c, int ldc, int ci, int cj, int vr, int vc, boolean acc, float[] sums) {
        VectorMath.sumRows(sums, MR_DOT * NR_DOT);
        for (int r = 0; r < vr; r++) {
            int o = (ci + r) * ldc + cj;
            for (int q = 0; q < vc; q++) c[o + q] = acc ? c[o + q] + sums[r * NR_DOT + q] : sums[r * NR_DOT + q];
        }
    }

    // ---- forward core -------------------------------------------------------------------------

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
        for (int n : ns) blocks += MatMul.ceilDiv(n, nb);
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
            Parallel.forRange(MatMul.ceilDiv(k, kc) * packed, 1, (t0, t1) -> {
                for (int task = t0; task < t1; task++) {
                    int k0 = (task / packed) * kc, kLen = Math.min(kc, k - k0), q = task % packed;
                    packRowPanels(xp, k0 * mp + q * kLen * NR, NR, x, k, fm0 + q * NR, Math.min(NR, mRows - q * NR),
                            k0, kLen);
                }
            });
            Parallel.forRange(blocks, 1, (b0, b1) -> {
                float[] wb = Scratch.floats(1, nb * ldw);
                // the tiles' accumulators, and dotTailRows' sums
                float[] tile = Scratch.floats(2, Math.max(MR_NARROW * NR, MR_DOT * NR_DOT * L));
                // outᵀ of the block, [rows, mp], summed over the k-spans and written out transposed
                // once, 16×16 at a time: with one span too, tiles stored transposed straight into
                // out (8 scalars per row of out) ran 1-15% slower (benchmarks/README.md)
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
                                    rowsKernel(acc, mp, 0, i, j, vr, Math.min(NR, mRows - j), wb, i * ldw + k0, ldw,
                                            kLen, xp, k0 * mp + j * kLen, tile, first);
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
                    // whole 16×16 blocks through transpose16 (the scalar loop took 5% of a 64-row
                    // forward, benchmarks/README.md)
                    for (int q0 = 0; q0 < mRows; q0 += 16) {
                        int q1 = Math.min(mRows, q0 + 16), r = 0;
                        if (L == 16 && q1 - q0 == 16) {
                            for (; r + 16 <= rows; r += 16) {
                                transpose16(acc, r * mp + q0, mp, out, (fm0 + q0) * n + n0 + r, n);
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
     * gemmRowsBf16), F16 never (its scalar conversion per broadcast lost 2-11% at 64 rows and 20-21%
     * at 128×576×1536). Only at 512-bit vectors (NR = 32), the only width measured, as
     * {@link #wholePanels}.
     */
    static boolean readsWeightsDirectly(DType type, int mRows) {
        int panels = MatMul.ceilDiv(mRows, NR);
        return L == 16 && (type == DType.F32 && panels <= DIRECT_PANELS_F32
                || type == DType.BF16 && panels <= DIRECT_PANELS_BF16);
    }

    /**
     * acc[r·mp + q0 + a] = x_(q0+a)·W_r for the a < t rows of x of a last panel shorter than L (x
     * row-major from x0, k apart) and the block's rows r < rows of converted W (wb, ldw apart): 4×4
     * dot tiles ({@link #tile}) over all of k. The one-vector kernel would run its L lanes for t of
     * them; harness, BF16 and F32, x·W over 576×1536 (34 rows: 576×576; and the 128256-row LM
     * head), dot tiles against it: t = 1-4 +30-41%, 6 +26%, 8 +21-26%, 12 +11-13%, 16 ±1%
     * (benchmarks/README.md).
     */
    private static void dotTailRows(float[] acc, int mp, int q0, int t, float[] x, int x0, float[] wb, int ldw,
                                    int rows, int k, float[] sums) {
        int len = k / L * L;
        for (int a0 = 0; a0 < t; a0 += MR_DOT) {
            int xr = Math.min(MR_DOT, t - a0), xo = x0 + a0 * k;
            for (int r = 0; r < rows; r += NR_DOT) {
                int wr = Math.min(NR_DOT, rows - r);
                tile(x, xo, k, xr, wb, r * ldw, ldw, wr, len, sums);
                VectorMath.sumRows(sums, MR_DOT * NR_DOT);
                for (int a = 0; a < xr; a++) {
                    for (int b = 0; b < wr; b++) {
                        float v = sums[a * NR_DOT + b];
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
        return Parallel.earliestBlock(most, MR, MR, rows -> MatMul.blockSizes(ns, rows));
    }

    /**
     * The forward's k-span: k in balanced spans of at most FORWARD_KC_SHORT below
     * FORWARD_LONG_SPAN_ROWS rows (the x panels of one span are re-read by every 8 rows of W:
     * 64×2048×2048 bf16 0.75 of the peak with spans of KC against 0.65 with whole-k spans; spans of
     * 512 against KC, medians of 3 from 32 to 96 rows, F32 and BF16: 0–5% faster), else of at most
     * FORWARD_KC_MAX (fewer tile flushes: 128–256 rows +2–5%, benchmarks/README.md).
     */
    static int forwardSpan(int m, int k) {
        int most = m < FORWARD_LONG_SPAN_ROWS ? FORWARD_KC_SHORT : FORWARD_KC_MAX;
        return Math.max(1, MatMul.ceilDiv(k, MatMul.ceilDiv(k, most)));
    }

    /**
     * tile[r][q] = Σ_{p < kLen} A[r][p]·B[p][q] with A's rows at a0 + r·aStride and B a k-major
     * NR-wide panel at bo; then c[cBase + (ci + r)·ldc + cj + q] += tile[r][q] (= when assign) for
     * the valid vr × vc corner. Rows r ≥ vr re-read row vr − 1 (in bounds) and are dropped.
     */
    private static void rowsKernel(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] ap,
                                   int a0, int aStride, int kLen, float[] bp, int bo, float[] tile, boolean assign) {
        int last = vr - 1;
        int a1 = a0 + Math.min(1, last) * aStride, a2 = a0 + Math.min(2, last) * aStride;
        int a3 = a0 + Math.min(3, last) * aStride, a4 = a0 + Math.min(4, last) * aStride;
        int a5 = a0 + Math.min(5, last) * aStride, a6 = a0 + Math.min(6, last) * aStride;
        int a7 = a0 + Math.min(7, last) * aStride;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kLen; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a = FloatVector.broadcast(F, ap[a0 + p]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, ap[a1 + p]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, ap[a2 + p]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, ap[a3 + p]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, ap[a4 + p]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, ap[a5 + p]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(F, ap[a6 + p]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(F, ap[a7 + p]);
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
        flush(c, ldc, cBase, ci, cj, vr, vc, tile, assign);
    }

    /**
     * {@link #rowsKernel} with A the rows of W itself (F32 or BF16, element a0 on, aStride apart),
     * each weight converted as it is broadcast: for few rows of x the conversion into a padded block
     * costs more than broadcasting a weight once per NR columns of x (see readsWeightsDirectly).
     * One method for the two dtypes: bf16 is invariant in the loop (a copy per dtype ran no faster).
     * Kept apart from rowsKernel: with the source as a parameter of rowsKernel and its one-vector
     * twin, their array path ran 5-15% slower and the twin at 9-35 GFLOP/s (C2 boxed its vectors).
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
        flush(c, ldc, cBase, ci, cj, vr, vc, tile, assign);
    }

    /** W[i] broadcast to L lanes, F32 or BF16 (a bf16 is a float's top half). */
    private static FloatVector broadcastWeight(MemorySegment w, boolean bf16, long i) {
        if (bf16) {
            return IntVector.broadcast(WeightsVector.I, w.get(Weights.I16_LE, i * 2) << 16).reinterpretAsFloats();
        }
        return FloatVector.broadcast(F, w.get(Weights.F32_LE, i * 4));
    }

    /**
     * {@link #rowsKernel} for a panel whose valid columns fit one vector (run for a last panel of x
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
        flush(c, ldc, cBase, ci, cj, vr, vc, tile, assign);
    }

    // ---- outer core ---------------------------------------------------------------------------

    /**
     * C[M,N] += A[M,K]·B[K,N] (= when not accumulate). A (up to MC rows at a time, all of K) is
     * prepared once, split over the threads: packed into MR-row panels by aPanels (microKernel), or, when aRows (row-major
     * [M, K]) is given instead, copied by rows to a stride of K + LDW_PAD (rowsKernel). Each task
     * packs its own slice of B's columns, KC k-steps at a time (with A's rows, {@link #rowsSpan}).
     */
    static void gemmOuter(float[] c, int M, int N, int K, PanelPacker aPanels, float[] aRows, PanelPacker b,
                          boolean accumulate) {
        if (M <= 0 || N <= 0 || K <= 0) {
            if (!accumulate) Arrays.fill(c, 0, Math.max(0, M * N), 0f);
            return;
        }
        int nb = blockColumns(N);
        int kc = aRows != null ? rowsSpan(K, MatMul.roundUp(nb, NR)) : KC;
        int nBlocks = MatMul.ceilDiv(N, nb);
        int mcMax = Math.min(MC, M), lda = K + LDW_PAD;
        float[] ap = Scratch.floats(0, aRows != null ? mcMax * lda : MatMul.roundUp(mcMax, MR) * K);
        for (int m0 = 0; m0 < M; m0 += MC) {
            int mRows = Math.min(MC, M - m0), mp = MatMul.roundUp(mRows, MR), panels = mp / MR, fm0 = m0;
            if (aRows != null) {
                Parallel.forRange(mRows, Math.max(1, 16384 / K),
                        (r0, r1) -> copyRows(ap, r0 * lda, lda, aRows, K, fm0 + r0, r1 - r0));
            } else {
                // one task per (k-span, MR-row panel), as gemmForward packs x
                Parallel.forRange(MatMul.ceilDiv(K, KC) * panels, 1, (t0, t1) -> {
                    for (int task = t0; task < t1; task++) {
                        int k0 = (task / panels) * KC, kLen = Math.min(KC, K - k0), q = task % panels;
                        aPanels.pack(ap, k0 * mp + q * kLen * MR, MR, fm0 + q * MR, Math.min(MR, mRows - q * MR), k0,
                                kLen);
                    }
                });
            }
            Parallel.forRange(nBlocks, 1, (b0, b1) -> {
                float[] bp = Scratch.floats(1, MatMul.roundUp(nb, NR) * kc);
                float[] tile = Scratch.floats(2, MR * NR);
                for (int blk = b0; blk < b1; blk++) {
                    int n0 = blk * nb, nRows = Math.min(nb, N - n0);
                    for (int k0 = 0; k0 < K; k0 += kc) {
                        int kLen = Math.min(kc, K - k0);
                        boolean assign = !accumulate && k0 == 0;
                        b.pack(bp, 0, NR, n0, nRows, k0, kLen);
                        for (int i = 0; i < mRows; i += MR) {
                            int vr = Math.min(MR, mRows - i);
                            for (int j = 0; j < nRows; j += NR) {
                                if (aRows != null) {
                                    rowsKernel(c, N, 0, fm0 + i, n0 + j, vr, Math.min(NR, nRows - j), ap, i * lda + k0,
                                            lda, kLen, bp, j * kLen, tile, assign);
                                } else {
                                    microKernel(c, N, 0, fm0 + i, n0 + j, vr, Math.min(NR, nRows - j), ap,
                                            k0 * mp + i * kLen, bp, j * kLen, kLen, tile);
                                }
                            }
                        }
                    }
                }
            });
        }
    }

    /**
     * The outer core's k-span with A's rows (dx = dy·W): balanced spans of up to ROWS_B_BLOCK / nbp
     * k-steps (at least KC), so a block of packed B stays within half an L2 and each tile of C is
     * flushed once per span instead of once per KC.
     */
    static int rowsSpan(int K, int nbp) {
        int most = Math.max(KC, ROWS_B_BLOCK / Math.max(1, nbp));
        return MatMul.ceilDiv(K, MatMul.ceilDiv(K, most));
    }

    /**
     * C[M,N] += A[M,K]·W[K,N] split over K, W's rows: each thread takes one contiguous range of W's
     * rows and sums it into its own partial C (the first thread into C itself; the partials are
     * added at the end). A range goes in balanced spans of up to SPLIT_K_SPAN rows; for each span
     * the thread copies its rows of A ([M, K] row-major) to a padded stride once, then packs the
     * span's rows of W up to SPLIT_K_CHUNK columns at a time into NR-wide panels and multiplies
     * each chunk while it is in L2. Whole-width slabs of KC rows instead (2 MB of panels at 2048
     * columns, twice this machine's L2) flushed every tile of C twice as often and read the panels
     * back from L3: harness, F32 / BF16, 64×2048×2048 +6–10% / +1–2%, 128×2048×2048 +9% / +8%,
     * 256×576×1536 +2–4% / +2–3% (benchmarks/README.md, eleventh pass).
     */
    static void gemmSplitK(float[] c, int M, int N, int K, float[] a, MemorySegment w, DType type, boolean accumulate) {
        if (M <= 0 || N <= 0 || K <= 0) return; // callers come with ceilDiv(K, KC) ≥ 2·THREADS
        int tasks = Math.min(Parallel.THREADS, MatMul.ceilDiv(K, KC)), size = M * N;
        // task 0 adds into (or writes) c itself; the others their slices of one buffer (slot 0: the caller's)
        float[] partials = Scratch.floats(0, (tasks - 1) * size);
        int chunks = MatMul.ceilDiv(N, SPLIT_K_CHUNK), cw = MatMul.roundUp(MatMul.ceilDiv(N, chunks), NR);
        int lda = SPLIT_K_SPAN + LDW_PAD;
        Parallel.forRange(tasks, 1, (t0, t1) -> {
            float[] bp = Scratch.floats(1, cw * SPLIT_K_SPAN);
            float[] ap = Scratch.floats(2, Math.min(MC, M) * lda);
            float[] tile = Scratch.floats(3, MR * NR);
            for (int t = t0; t < t1; t++) {
                float[] ct = t == 0 ? c : partials;
                int cOff = t == 0 ? 0 : (t - 1) * size;
                int from = (int) ((long) t * K / tasks), to = (int) ((long) (t + 1) * K / tasks);
                int span = MatMul.ceilDiv(to - from, MatMul.ceilDiv(to - from, SPLIT_K_SPAN));
                for (int k0 = from; k0 < to; k0 += span) {
                    int kLen = Math.min(span, to - k0);
                    // a partial's first span writes it (its buffer holds an earlier call's sums); c's when not accumulating
                    boolean assign = k0 == from && (t > 0 || !accumulate);
                    for (int m0 = 0; m0 < M; m0 += MC) {
                        int mRows = Math.min(MC, M - m0);
                        copySpan(ap, lda, a, K, m0, mRows, k0, kLen);
                        for (int c0 = 0; c0 < N; c0 += cw) {
                            int cols = Math.min(cw, N - c0);
                            packWeightPanels(bp, 0, NR, w, type, N, c0, cols, k0, kLen);
                            addSpan(ct, cOff, N, c0, cols, m0, mRows, ap, lda, kLen, bp, 0, tile, assign);
                        }
                    }
                }
            }
        });
        addPartials(c, partials, tasks - 1, size);
    }

    /** ap[r·lda + p] = A[m0 + r, k0 + p] for r < mRows, p < kLen: a k-span of A's rows ([·, K] row-major). */
    private static void copySpan(float[] ap, int lda, float[] a, int K, int m0, int mRows, int k0, int kLen) {
        for (int r = 0; r < mRows; r++) System.arraycopy(a, (m0 + r) * K + k0, ap, r * lda, kLen);
    }

    /**
     * C[m0 + r, c0 + q] += Σ_{p < kLen} ap[r·lda + p]·B[p, q] for r < mRows, q < cols (= when
     * assign): one k-span of the outer product over a block of C's columns, B packed into NR-wide
     * panels at bp[bOff..] (packWeightPanels), A's span copied by copySpan; C [·, N] at cOff.
     */
    private static void addSpan(float[] c, int cOff, int N, int c0, int cols, int m0, int mRows, float[] ap, int lda,
                                int kLen, float[] bp, int bOff, float[] tile, boolean assign) {
        for (int j = 0; j < cols; j += NR) {
            for (int i = 0; i < mRows; i += MR) {
                rowsKernel(c, N, cOff, m0 + i, c0 + j, Math.min(MR, mRows - i), Math.min(NR, cols - j), ap, i * lda,
                        lda, kLen, bp, bOff + j * kLen, tile, assign);
            }
        }
    }

    /** c[0, size) += each of the {@code count} partial sums partials[t·size, (t + 1)·size), in order. */
    private static void addPartials(float[] c, float[] partials, int count, int size) {
        if (count <= 0) return;
        Parallel.forRange(size, 16384, (i0, i1) -> {
            for (int t = 0; t < count; t++) axpy(c, i0, 1f, partials, t * size + i0, i1 - i0);
        });
    }

    /**
     * C[M,N] += A[M,K]·W[K,N] for many rows (= when not accumulate): W is packed once, in k-spans of
     * at most SPLIT_ROWS_SPAN rows (balanced) of NR-wide panels shared by the threads, which split
     * C's rows into blocks ({@link #splitRowsBlock}) and run all of K on each block, so no partial
     * sums are added. Split-K (gemmSplitK) sweeps all of C once per span instead and adds a partial
     * C per extra task: at 1024 rows and N = 576, two partials of 2.4 MB that do not fit L2 (2
     * threads, 3 alternations: F32 184–191 → 196–198 GFLOP/s, BF16 168–179 → 172–189). Spans of
     * K = 1536 instead of 256 flush each tile of C once instead of six times (harness, F32 and BF16:
     * 1024×576×1536 +4–10%, 512 and 2048 rows +2–6%, 1024×1024×2048 +5–10%); blocks the threads
     * finish together keep 600 rows from running 3 blocks of 128 on one thread against 2 on the
     * other (benchmarks/README.md, thirteenth pass).
     */
    static void gemmSplitRows(float[] c, int M, int N, int K, float[] a, MemorySegment w, DType type, boolean accumulate) {
        if (M <= 0 || N <= 0 || K <= 0) return; // callers come with ceilDiv(K, KC) ≥ 2·THREADS
        int span = splitRowsSpan(K), spans = MatMul.ceilDiv(K, span);
        int np = MatMul.roundUp(N, NR), spanSize = np * span, lda = span + LDW_PAD;
        int groups = MatMul.ceilDiv(np, PACK_PANELS * NR);
        float[] bp = Scratch.floats(0, spans * spanSize);
        // span s at bp[s·spanSize..], its panels kLen·NR floats each; tasks of PACK_PANELS panels
        Parallel.forRange(spans * groups, 1, (t0, t1) -> {
            for (int task = t0; task < t1; task++) {
                int s = task / groups, c0 = (task % groups) * PACK_PANELS * NR;
                int k0 = s * span, kLen = Math.min(span, K - k0);
                packWeightPanels(bp, s * spanSize + c0 * kLen, NR, w, type, N, c0, Math.min(PACK_PANELS * NR, N - c0),
                        k0, kLen);
            }
        });
        int rb = splitRowsBlock(M);
        Parallel.forRange(MatMul.ceilDiv(M, rb), 1, (b0, b1) -> {
            float[] ap = Scratch.floats(2, rb * lda);
            float[] tile = Scratch.floats(3, MR * NR);
            for (int blk = b0; blk < b1; blk++) {
                int m0 = blk * rb, mRows = Math.min(rb, M - m0);
                for (int s = 0; s < spans; s++) {
                    int k0 = s * span, kLen = Math.min(span, K - k0);
                    copySpan(ap, lda, a, K, m0, mRows, k0, kLen);
                    addSpan(c, 0, N, 0, N, m0, mRows, ap, lda, kLen, bp, s * spanSize, tile, !accumulate && s == 0);
                }
            }
        });
    }

    /** gemmSplitRows' k-span: K in balanced spans of at most SPLIT_ROWS_SPAN rows of W. */
    static int splitRowsSpan(int K) {
        return MatMul.ceilDiv(K, MatMul.ceilDiv(K, SPLIT_ROWS_SPAN));
    }

    /**
     * gemmSplitRows' rows per block: from ROW_BLOCK down to half of it in whole tiles of MR, the
     * most whose blocks the threads finish together ({@link Parallel#makespan}, a block's cost its
     * rows): 600 rows on 2 threads as 6 blocks of 104 (the last 80), not 5 of 128 (3 blocks on one
     * thread); 1024 rows stay 8 blocks of 128.
     */
    static int splitRowsBlock(int M) {
        return Parallel.earliestBlock(ROW_BLOCK, ROW_BLOCK / 2, MR, rows -> MatMul.blockSizes(new int[]{M}, rows));
    }

    /** Columns of C per task: up to four tasks per thread when N allows, whole NR panels, ≤ 512. */
    static int blockColumns(int N) {
        int target = MatMul.ceilDiv(N, 4 * Parallel.THREADS);
        return Math.max(NR, Math.min(512, MatMul.roundUp(target, NR)));
    }

    /**
     * C[ci.., cj..] += Σ_p a[p][0..MR)ᵀ ⊗ b[p][0..NR) over one KC span: 8 rows × 2 vectors of
     * accumulators; only the valid vr × vc corner is added to C (the weight gradient, its one
     * caller, always accumulates).
     */
    private static void microKernel(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] ap,
                                    int ao, float[] bp, int bo, int kLen, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kLen; p++) {
            int bi = bo + p * NR, ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a = FloatVector.broadcast(F, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        // Spill the tile with plain stores: handing the vectors to a helper or choosing the
        // destination by a branch makes C2 box them.
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
        flush(c, ldc, cBase, ci, cj, vr, vc, tile, false);
    }

    /**
     * C[cBase + (ci + r)·ldc + cj + q] += tile[r·NR + q] for the valid vr × vc corner, or = when
     * assign (a product's first k-span over C: C is then neither zeroed first nor read).
     */
    private static void flush(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] tile, boolean assign) {
        if (vc == NR) {
            for (int r = 0; r < vr; r++) {
                int o = cBase + (ci + r) * ldc + cj;
                FloatVector t0 = FloatVector.fromArray(F, tile, r * NR), t1 = FloatVector.fromArray(F, tile, r * NR + L);
                if (!assign) {
                    t0 = t0.add(FloatVector.fromArray(F, c, o));
                    t1 = t1.add(FloatVector.fromArray(F, c, o + L));
                }
                t0.intoArray(c, o);
                t1.intoArray(c, o + L);
            }
            return;
        }
        for (int r = 0; r < vr; r++) {
            int o = cBase + (ci + r) * ldc + cj;
            if (assign) System.arraycopy(tile, r * NR, c, o, vc);
            else for (int q = 0; q < vc; q++) c[o + q] += tile[r * NR + q];
        }
    }

    // ---- packers ------------------------------------------------------------------------------

    /** dst[dstOff + r·stride + p] = src[row0 + r][p]: rows of a row-major [*, cols] array. */
    static void copyRows(float[] dst, int off, int stride, float[] src, int cols, int row0, int rows) {
        for (int r = 0; r < rows; r++) System.arraycopy(src, (row0 + r) * cols, dst, off + r * stride, cols);
    }

    /** Rows of W [*, k], converted to float. */
    static void copyWeightRows(float[] dst, int off, int stride, MemorySegment w, DType type, int k, int row0,
                               int rows) {
        for (int r = 0; r < rows; r++) Weights.read(dst, off + r * stride, w, type, (long) (row0 + r) * k, k);
    }

    /** Panels over rows of a row-major [*, cols] array whose k index is the column (an 8-way interleave). */
    static void packRowPanels(float[] dst, int off, int R, float[] src, int cols, int i0, int count, int k0,
                              int kLen) {
        // L source rows at a time are read as one gather per k-step (indices one row apart), so the
        // panel is written a vector at a time instead of one scalar per R-float stride
        int[] rowStarts = new int[L];
        for (int l = 0; l < L; l++) rowStarts[l] = l * cols;
        for (int q = 0; q * R < count; q++) {
            int base = off + q * kLen * R;
            int valid = Math.min(R, count - q * R);
            int r = 0;
            for (; r + L <= valid; r += L) {
                int so = (i0 + q * R + r) * cols + k0, p = 0;
                if (L == 16) {
                    for (; p + 16 <= kLen; p += 16) transpose16(src, so + p, cols, dst, base + p * R + r, R);
                }
                for (; p < kLen; p++) {
                    FloatVector.fromArray(F, src, so + p, rowStarts, 0).intoArray(dst, base + p * R + r);
                }
            }
            for (; r < valid; r++) {
                int so = (i0 + q * R + r) * cols + k0;
                for (int p = 0; p < kLen; p++) dst[base + p * R + r] = src[so + p];
            }
            if (valid < R) {
                for (int p = 0; p < kLen; p++) Arrays.fill(dst, base + p * R + valid, base + (p + 1) * R, 0f);
            }
        }
    }

    /**
     * Index vectors of {@link #transpose16}: stage b swaps bit b of the row and column indices of
     * a 16×16 block (rows r and r + 2^b, lanes from either, as two-vector selectFrom takes them).
     */
    private static final float[][] TRANSPOSE_INDEX = transposeIndex();

    private static float[][] transposeIndex() {
        float[][] idx = new float[8][16];
        for (int b = 0; b < 4; b++) {
            int h = 1 << b;
            for (int c = 0; c < 16; c++) {
                boolean high = ((c >> b) & 1) != 0;
                idx[2 * b][c] = high ? 16 + c - h : c;
                idx[2 * b + 1][c] = high ? 16 + c : c + h;
            }
        }
        return idx;
    }

    /**
     * dst[d0 + c·dStride + r] = src[s0 + r·sStride + c] for r, c &lt; 16 (L = 16 only): 16 loads, 4
     * stages of 16 two-vector permutes (vpermt2ps), 16 stores. Packing x's panels with 16-lane
     * gathers ran at 1.6–2.1 G floats per CPU-second, a gather per k-step (benchmarks/README.md).
     */
    private static void transpose16(float[] src, int s0, int sStride, float[] dst, int d0, int dStride) {
        FloatVector v0 = FloatVector.fromArray(F, src, s0);
        FloatVector v1 = FloatVector.fromArray(F, src, s0 + 1 * sStride);
        FloatVector v2 = FloatVector.fromArray(F, src, s0 + 2 * sStride);
        FloatVector v3 = FloatVector.fromArray(F, src, s0 + 3 * sStride);
        FloatVector v4 = FloatVector.fromArray(F, src, s0 + 4 * sStride);
        FloatVector v5 = FloatVector.fromArray(F, src, s0 + 5 * sStride);
        FloatVector v6 = FloatVector.fromArray(F, src, s0 + 6 * sStride);
        FloatVector v7 = FloatVector.fromArray(F, src, s0 + 7 * sStride);
        FloatVector v8 = FloatVector.fromArray(F, src, s0 + 8 * sStride);
        FloatVector v9 = FloatVector.fromArray(F, src, s0 + 9 * sStride);
        FloatVector v10 = FloatVector.fromArray(F, src, s0 + 10 * sStride);
        FloatVector v11 = FloatVector.fromArray(F, src, s0 + 11 * sStride);
        FloatVector v12 = FloatVector.fromArray(F, src, s0 + 12 * sStride);
        FloatVector v13 = FloatVector.fromArray(F, src, s0 + 13 * sStride);
        FloatVector v14 = FloatVector.fromArray(F, src, s0 + 14 * sStride);
        FloatVector v15 = FloatVector.fromArray(F, src, s0 + 15 * sStride);
        FloatVector lo = FloatVector.fromArray(F, TRANSPOSE_INDEX[0], 0);
        FloatVector hi = FloatVector.fromArray(F, TRANSPOSE_INDEX[1], 0);
        FloatVector t = lo.selectFrom(v0, v1);
        v1 = hi.selectFrom(v0, v1);
        v0 = t;
        t = lo.selectFrom(v2, v3);
        v3 = hi.selectFrom(v2, v3);
        v2 = t;
        t = lo.selectFrom(v4, v5);
        v5 = hi.selectFrom(v4, v5);
        v4 = t;
        t = lo.selectFrom(v6, v7);
        v7 = hi.selectFrom(v6, v7);
        v6 = t;
        t = lo.selectFrom(v8, v9);
        v9 = hi.selectFrom(v8, v9);
        v8 = t;
        t = lo.selectFrom(v10, v11);
        v11 = hi.selectFrom(v10, v11);
        v10 = t;
        t = lo.selectFrom(v12, v13);
        v13 = hi.selectFrom(v12, v13);
        v12 = t;
        t = lo.selectFrom(v14, v15);
        v15 = hi.selectFrom(v14, v15);
        v14 = t;
        lo = FloatVector.fromArray(F, TRANSPOSE_INDEX[2], 0);
        hi = FloatVector.fromArray(F, TRANSPOSE_INDEX[3], 0);
        t = lo.selectFrom(v0, v2);
        v2 = hi.selectFrom(v0, v2);
        v0 = t;
        t = lo.selectFrom(v1, v3);
        v3 = hi.selectFrom(v1, v3);
        v1 = t;
        t = lo.selectFrom(v4, v6);
        v6 = hi.selectFrom(v4, v6);
        v4 = t;
        t = lo.selectFrom(v5, v7);
        v7 = hi.selectFrom(v5, v7);
        v5 = t;
        t = lo.selectFrom(v8, v10);
        v10 = hi.selectFrom(v8, v10);
        v8 = t;
        t = lo.selectFrom(v9, v11);
        v11 = hi.selectFrom(v9, v11);
        v9 = t;
        t = lo.selectFrom(v12, v14);
        v14 = hi.selectFrom(v12, v14);
        v12 = t;
        t = lo.selectFrom(v13, v15);
        v15 = hi.selectFrom(v13, v15);
        v13 = t;
        lo = FloatVector.fromArray(F, TRANSPOSE_INDEX[4], 0);
        hi = FloatVector.fromArray(F, TRANSPOSE_INDEX[5], 0);
        t = lo.selectFrom(v0, v4);
        v4 = hi.selectFrom(v0, v4);
        v0 = t;
        t = lo.selectFrom(v1, v5);
        v5 = hi.selectFrom(v1, v5);
        v1 = t;
        t = lo.selectFrom(v2, v6);
        v6 = hi.selectFrom(v2, v6);
        v2 = t;
        t = lo.selectFrom(v3, v7);
        v7 = hi.selectFrom(v3, v7);
        v3 = t;
        t = lo.selectFrom(v8, v12);
        v12 = hi.selectFrom(v8, v12);
        v8 = t;
        t = lo.selectFrom(v9, v13);
        v13 = hi.selectFrom(v9, v13);
        v9 = t;
        t = lo.selectFrom(v10, v14);
        v14 = hi.selectFrom(v10, v14);
        v10 = t;
        t = lo.selectFrom(v11, v15);
        v15 = hi.selectFrom(v11, v15);
        v11 = t;
        lo = FloatVector.fromArray(F, TRANSPOSE_INDEX[6], 0);
        hi = FloatVector.fromArray(F, TRANSPOSE_INDEX[7], 0);
        t = lo.selectFrom(v0, v8);
        v8 = hi.selectFrom(v0, v8);
        v0 = t;
        t = lo.selectFrom(v1, v9);
        v9 = hi.selectFrom(v1, v9);
        v1 = t;
        t = lo.selectFrom(v2, v10);
        v10 = hi.selectFrom(v2, v10);
        v2 = t;
        t = lo.selectFrom(v3, v11);
        v11 = hi.selectFrom(v3, v11);
        v3 = t;
        t = lo.selectFrom(v4, v12);
        v12 = hi.selectFrom(v4, v12);
        v4 = t;
        t = lo.selectFrom(v5, v13);
        v13 = hi.selectFrom(v5, v13);
        v5 = t;
        t = lo.selectFrom(v6, v14);
        v14 = hi.selectFrom(v6, v14);
        v6 = t;
        t = lo.selectFrom(v7, v15);
        v15 = hi.selectFrom(v7, v15);
        v7 = t;
        v0.intoArray(dst, d0);
        v1.intoArray(dst, d0 + 1 * dStride);
        v2.intoArray(dst, d0 + 2 * dStride);
        v3.intoArray(dst, d0 + 3 * dStride);
        v4.intoArray(dst, d0 + 4 * dStride);
        v5.intoArray(dst, d0 + 5 * dStride);
        v6.intoArray(dst, d0 + 6 * dStride);
        v7.intoArray(dst, d0 + 7 * dStride);
        v8.intoArray(dst, d0 + 8 * dStride);
        v9.intoArray(dst, d0 + 9 * dStride);
        v10.intoArray(dst, d0 + 10 * dStride);
        v11.intoArray(dst, d0 + 11 * dStride);
        v12.intoArray(dst, d0 + 12 * dStride);
        v13.intoArray(dst, d0 + 13 * dStride);
        v14.intoArray(dst, d0 + 14 * dStride);
        v15.intoArray(dst, d0 + 15 * dStride);
    }

    /** Panels over columns of a row-major [*, cols] array whose k index is the row: contiguous copies. */
    static void packColumnPanels(float[] dst, int off, int R, float[] src, int cols, int i0, int count, int k0,
                                 int kLen) {
        for (int q = 0; q * R < count; q++) {
            int base = off + q * kLen * R;
            int valid = Math.min(R, count - q * R);
            for (int p = 0; p < kLen; p++) {
                System.arraycopy(src, (k0 + p) * cols + i0 + q * R, dst, base + p * R, valid);
                if (valid < R) Arrays.fill(dst, base + p * R + valid, base + (p + 1) * R, 0f);
            }
        }
    }

    /**
     * Panels over columns of W [*, k] whose k index is W's row: contiguous converted reads. Row by
     * row (each row's span [i0, i0 + count) read front to back, then the next row), not panel by
     * panel: walking one R-wide panel down KC rows would touch one cache line per row at a stride
     * of a whole row, a latency-bound pattern the prefetchers cannot follow across pages.
     */
    static void packWeightPanels(float[] dst, int off, int R, MemorySegment w, DType type, int k, int i0, int count,
                                 int k0, int kLen) {
        // whole NR-wide panels two vectors at a time, inline, converted in registers (F16 too: converting
        // its rows into a buffer with Weights.read's vcvtph2ps loop and copying that took twice BF16's
        // time, benchmarks/README.md, fourteenth pass). PACK_ROWS rows at a time, panel by panel
        int full = R == NR ? count / R : 0, step = kLen * R, group = PACK_ROWS;
        for (int p0 = 0; p0 < kLen; p0 += group) {
            int rows = Math.min(group, kLen - p0);
            long row0 = (long) (k0 + p0) * k + i0;
            switch (type) {
                case F32 -> {
                    for (int q = 0; q < full; q++) {
                        long src = row0 + q * R;
                        for (int p = 0, at = off + q * step + p0 * R; p < rows; p++, at += R, src += k) {
                            WeightsVector.f32(w, src).intoArray(dst, at);
                            WeightsVector.f32(w, src + L).intoArray(dst, at + L);
                        }
                    }
                }
                case BF16 -> {
                    for (int q = 0; q < full; q++) {
                        long src = row0 + q * R;
                        for (int p = 0, at = off + q * step + p0 * R; p < rows; p++, at += R, src += k) {
                            WeightsVector.bf16(w, src).intoArray(dst, at);
                            WeightsVector.bf16(w, src + L).intoArray(dst, at + L);
                        }
                    }
                }
                case F16 -> {
                    for (int q = 0; q < full; q++) {
                        long src = row0 + q * R;
                        for (int p = 0, at = off + q * step + p0 * R; p < rows; p++, at += R, src += k) {
                            WeightsVector.f16(w, src).intoArray(dst, at);
                            WeightsVector.f16(w, src + L).intoArray(dst, at + L);
                        }
                    }
                }
                default -> throw Weights.unsupported(type);
            }
            for (int q = full; q * R < count; q++) {
                int valid = Math.min(R, count - q * R);
                for (int p = 0, at = off + q * step + p0 * R; p < rows; p++, at += R) {
                    Weights.read(dst, at, w, type, row0 + (long) p * k + q * R, valid);
                    if (valid < R) Arrays.fill(dst, at + valid, at + R, 0f);
                }
            }
        }
    }

    // ---- GEMV ---------------------------------------------------------------------------------

    /** out[i,:] = W·x_i for m ≤ 3 rows: threads take ranges of W rows, 4 at a time, each read once. */
    static void gemv(float[] out, float[] x, int m, int k, MemorySegment w, DType type, int n) {
        int groups = MatMul.ceilDiv(n, 4);
        int grain = Math.max(1, 8192 / Math.max(1, k)); // ~32k weights per task at least
        int k2 = k / (2 * L) * (2 * L);
        float[] xq = type == DType.BF16 ? deinterleave(x, m, k, k2) : null;
        Parallel.forRange(groups, grain, (g0, g1) -> {
            // F16: the 4 rows converted to floats once (Weights.read: vcvtph2ps) and dotted as F32
            float[] f16Rows = type == DType.F16 ? Scratch.floats(1, 4 * k) : null;
            float[] lanes = Scratch.floats(2, 4 * L + 4);
            MemorySegment f16Seg = f16Rows != null ? MemorySegment.ofArray(f16Rows) : null;
            int j1 = Math.min(n, g1 * 4);
            for (int j = g0 * 4; j < j1; j += 4) {
                int rows = Math.min(4, j1 - j);
                if (f16Rows != null) Weights.read(f16Rows, 0, w, type, (long) j * k, rows * k);
                for (int i = 0; i < m; i++) {
                    boolean lanesLeft = switch (type) {
                        case F32 -> dotRowsF32(out, i * n + j, x, i * k, k, w, j, rows, lanes);
                        case BF16 -> dotRowsBf16(out, i * n + j, x, i * k, xq, i * k2, k, k2, w, j, rows, lanes);
                        case F16 -> dotRowsF32(out, i * n + j, x, i * k, k, f16Seg, 0, rows, lanes);
                        default -> throw Weights.unsupported(type);
                    };
                    if (lanesLeft) finishRows(out, i * n + j, lanes);
                }
            }
        });
    }

    /**
     * out[m,n] = x·Wᵀ for BF16 W and up to 63 rows: 2×4 tiles of dot products (2 rows of x against
     * 4 rows of W), W read straight from its segment and converted in registers, never stored as
     * floats; threads take ranges of W rows, and each group of 4 rows, read from memory once, stays
     * in L1 for all rows of x. Its horizontal sums, 8 per tile, are paid once per k, so the outer
     * core wins from 32 rows on when k is short.
     */
    static void gemmRowsBf16(float[] out, float[] x, int m, int k, MemorySegment w, int n) {
        int groups = MatMul.ceilDiv(n, 4);
        int grain = Math.max(1, 8192 / Math.max(1, k));
        int k2 = k / (2 * L) * (2 * L);
        float[] xq = deinterleave(x, m, k, k2);
        Parallel.forRange(groups, grain, (g0, g1) -> {
            float[] sums = Scratch.floats(1, 8 * L + 4);
            int j1 = Math.min(n, g1 * 4);
            for (int j = g0 * 4; j < j1; j += 4) {
                int rows = Math.min(4, j1 - j);
                if (rows < 4) {
                    for (int i = 0; i < m; i++) dotRowsBf16(out, i * n + j, x, i * k, xq, i * k2, k, k2, w, j, rows, sums);
                    continue;
                }
                for (int i = 0; i < m; i += 2) {
                    tile2Bf16(i, Math.min(2, m - i), j, k, xq, k2, w, sums);
                    storeTile2Bf16(out, n, i, Math.min(2, m - i), j, x, k, k2, w, sums);
                }
            }
        });
    }

    /**
     * out[i + a, j + b] = x_(i+a)·W_(j+b) for a < xr ≤ 2, b < 4, BF16 W: 2L weights per step through
     * {@link #deinterleave}d x; a row a ≥ xr re-reads row xr − 1 and is dropped. Two rows, not four:
     * a 4×4 tile (32 FMAs per step) outgrows C2's inlining node budget and its vectors get boxed.
     */
    private static void tile2Bf16(int i, int xr, int j, int k, float[] xq, int k2, MemorySegment w, float[] sums) {
        int x0 = i * k2, x1 = (i + Math.min(1, xr - 1)) * k2;
        long r0 = (long) j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c13 = c00;
        for (int p = 0; p < k2; p += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(F, xq, x0 + p), d0 = FloatVector.fromArray(F, xq, x0 + p + L);
            FloatVector a1 = FloatVector.fromArray(F, xq, x1 + p), d1 = FloatVector.fromArray(F, xq, x1 + p + L);
            IntVector v = pairs(w, r0 + p);
            FloatVector e = evenBf16(v), o = oddBf16(v);
            c00 = o.fma(d0, e.fma(a0, c00));
            c10 = o.fma(d1, e.fma(a1, c10));
            v = pairs(w, r1 + p);
            e = evenBf16(v);
            o = oddBf16(v);
            c01 = o.fma(d0, e.fma(a0, c01));
            c11 = o.fma(d1, e.fma(a1, c11));
            v = pairs(w, r2 + p);
            e = evenBf16(v);
            o = oddBf16(v);
            c02 = o.fma(d0, e.fma(a0, c02));
            c12 = o.fma(d1, e.fma(a1, c12));
            v = pairs(w, r3 + p);
            e = evenBf16(v);
            o = oddBf16(v);
            c03 = o.fma(d0, e.fma(a0, c03));
            c13 = o.fma(d1, e.fma(a1, c13));
        }
        // summed by the caller (storeTile2Bf16), as in tile
        c00.intoArray(sums, 0);
        c01.intoArray(sums, L);
        c02.intoArray(sums, 2 * L);
        c03.intoArray(sums, 3 * L);
        c10.intoArray(sums, 4 * L);
        c11.intoArray(sums, 5 * L);
        c12.intoArray(sums, 6 * L);
        c13.intoArray(sums, 7 * L);
    }

    /** out[i + a, j + b] = the horizontal sums of {@link #tile2Bf16}'s lanes + the tails past k2. */
    private static void storeTile2Bf16(float[] out, int n, int i, int xr, int j, float[] x, int k, int k2,
                                       MemorySegment w, float[] sums) {
        VectorMath.sumRows(sums, 8);
        long r0 = (long) j * k;
        for (int a = 0; a < xr; a++) {
            for (int b = 0; b < 4; b++) {
                out[(i + a) * n + j + b] = sums[a * 4 + b] + tailDot(x, (i + a) * k, k2, k, w, DType.BF16, r0 + (long) b * k);
            }
        }
    }

    // The dotRows variants are the same loop over a different load; kept apart so each compiles
    // to straight-line vector code with no per-iteration dtype dispatch.

    /**
     * Fewer than 4 rows: writes out[oo + r] and returns false. 4 rows: leaves their lanes and tails in
     * lanes (a per-thread buffer of 4L + 4 floats) for {@link #finishRows} and returns true; the
     * horizontal sums inlined here would outgrow C2's inlining node budget (see tile).
     */
    private static boolean dotRowsF32(float[] out, int oo, float[] x, int xo, int k, MemorySegment w, int j, int rows,
                                      float[] lanes) {
        if (rows < 4) {
            for (int r = 0; r < rows; r++) out[oo + r] = dotF32(x, xo, k, w, (long) (j + r) * k);
            return false;
        }
        long r0 = (long) j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int bound = F.loopBound(k);
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + p);
            s0 = WeightsVector.f32(w, r0 + p).fma(xv, s0);
            s1 = WeightsVector.f32(w, r1 + p).fma(xv, s1);
            s2 = WeightsVector.f32(w, r2 + p).fma(xv, s2);
            s3 = WeightsVector.f32(w, r3 + p).fma(xv, s3);
        }
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, L);
        s2.intoArray(lanes, 2 * L);
        s3.intoArray(lanes, 3 * L);
        lanes[4 * L] = tailDot(x, xo, p, k, w, DType.F32, r0);
        lanes[4 * L + 1] = tailDot(x, xo, p, k, w, DType.F32, r1);
        lanes[4 * L + 2] = tailDot(x, xo, p, k, w, DType.F32, r2);
        lanes[4 * L + 3] = tailDot(x, xo, p, k, w, DType.F32, r3);
        return true;
    }

    /** out[oo + r] = Σ lanes[rL, rL + L) + lanes[4L + r] for r < 4: the end of a 4-row dotRows. */
    private static void finishRows(float[] out, int oo, float[] lanes) {
        VectorMath.sumRows(lanes, 4);
        for (int r = 0; r < 4; r++) out[oo + r] = lanes[r] + lanes[4 * L + r];
    }

    private static float dotF32(float[] x, int xo, int k, MemorySegment w, long r0) {
        FloatVector s = FloatVector.zero(F);
        int bound = F.loopBound(k);
        int p = 0;
        for (; p < bound; p += L) s = WeightsVector.f32(w, r0 + p).fma(FloatVector.fromArray(F, x, xo + p), s);
        return VectorMath.sum(s) + tailDot(x, xo, p, k, w, DType.F32, r0);
    }

    /**
     * Per row of x, each 2L-float chunk reordered as its L even then its L odd elements: read as L
     * ints, 2L little-endian bf16 weights split into floats with one shift (even elements, the low
     * halves) and one mask (odd elements, the high halves), with no widening conversion.
     */
    private static float[] deinterleave(float[] x, int m, int k, int k2) {
        float[] xq = Scratch.floats(0, Math.max(1, m * k2));
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < k2; c += 2 * L) {
                int src = i * k + c, dst = i * k2 + c;
                FloatVector a = FloatVector.fromArray(F, x, src), b = FloatVector.fromArray(F, x, src + L);
                EVEN.selectFrom(a, b).intoArray(xq, dst);
                ODD.selectFrom(a, b).intoArray(xq, dst + L);
            }
        }
        return xq;
    }

    /**
     * Index vectors of two-vector selectFrom (lane indices into a ++ b, 0 to 2L − 1): EVEN and ODD
     * take a 2L-float chunk apart into its even and odd elements, INTERLEAVE_LOW and INTERLEAVE_HIGH
     * put the two halves back, e0 o0 e1 o1 … .
     */
    private static final FloatVector EVEN = laneIndex(c -> 2 * c), ODD = laneIndex(c -> 2 * c + 1);
    private static final FloatVector INTERLEAVE_LOW = laneIndex(c -> c / 2 + (c % 2) * L);
    private static final FloatVector INTERLEAVE_HIGH = laneIndex(c -> L / 2 + c / 2 + (c % 2) * L);

    private static FloatVector laneIndex(IntUnaryOperator lane) {
        float[] idx = new float[L];
        for (int c = 0; c < L; c++) idx[c] = lane.applyAsInt(c);
        return FloatVector.fromArray(F, idx, 0);
    }

    /** Even (low-half) bf16 elements of L ints as floats. */
    private static FloatVector evenBf16(IntVector v) {
        return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Odd (high-half) bf16 elements of L ints as floats. */
    private static FloatVector oddBf16(IntVector v) {
        return v.and(0xFFFF0000).reinterpretAsFloats();
    }

    private static IntVector pairs(MemorySegment w, long element) {
        return IntVector.fromMemorySegment(WeightsVector.I, w, element * 2, WeightsVector.LE);
    }

    /**
     * Dot products of 4 (or fewer) bf16 rows with x: 2L weights per step through {@link #deinterleave}d x;
     * returns and leaves lanes as {@link #dotRowsF32}.
     */
    private static boolean dotRowsBf16(float[] out, int oo, float[] x, int xo, float[] xq, int qo, int k, int k2,
                                       MemorySegment w, int j, int rows, float[] lanes) {
        if (rows < 4) {
            for (int r = 0; r < rows; r++) out[oo + r] = dotBf16(x, xo, xq, qo, k, k2, w, (long) (j + r) * k);
            return false;
        }
        long r0 = (long) j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        for (int p = 0; p < k2; p += 2 * L) {
            FloatVector xe = FloatVector.fromArray(F, xq, qo + p), xd = FloatVector.fromArray(F, xq, qo + p + L);
            IntVector v = pairs(w, r0 + p);
            s0 = evenBf16(v).fma(xe, s0);
            t0 = oddBf16(v).fma(xd, t0);
            v = pairs(w, r1 + p);
            s1 = evenBf16(v).fma(xe, s1);
            t1 = oddBf16(v).fma(xd, t1);
            v = pairs(w, r2 + p);
            s2 = evenBf16(v).fma(xe, s2);
            t2 = oddBf16(v).fma(xd, t2);
            v = pairs(w, r3 + p);
            s3 = evenBf16(v).fma(xe, s3);
            t3 = oddBf16(v).fma(xd, t3);
        }
        s0.add(t0).intoArray(lanes, 0);
        s1.add(t1).intoArray(lanes, L);
        s2.add(t2).intoArray(lanes, 2 * L);
        s3.add(t3).intoArray(lanes, 3 * L);
        lanes[4 * L] = tailDot(x, xo, k2, k, w, DType.BF16, r0);
        lanes[4 * L + 1] = tailDot(x, xo, k2, k, w, DType.BF16, r1);
        lanes[4 * L + 2] = tailDot(x, xo, k2, k, w, DType.BF16, r2);
        lanes[4 * L + 3] = tailDot(x, xo, k2, k, w, DType.BF16, r3);
        return true;
    }

    private static float dotBf16(float[] x, int xo, float[] xq, int qo, int k, int k2, MemorySegment w, long r0) {
        FloatVector s = FloatVector.zero(F), t = s;
        for (int p = 0; p < k2; p += 2 * L) {
            IntVector v = pairs(w, r0 + p);
            s = evenBf16(v).fma(FloatVector.fromArray(F, xq, qo + p), s);
            t = oddBf16(v).fma(FloatVector.fromArray(F, xq, qo + p + L), t);
        }
        return VectorMath.sum(s.add(t)) + tailDot(x, xo, k2, k, w, DType.BF16, r0);
    }

    /** Σ_{p ≥ from} x[xo+p]·W[r0+p]: the scalar tail of a vector dot product. */
    private static float tailDot(float[] x, int xo, int from, int k, MemorySegment w, DType type, long r0) {
        float s = 0f;
        for (int p = from; p < k; p++) s += x[xo + p] * Weights.get(w, type, r0 + p);
        return s;
    }

    /** y[yo..yo+n) += a·x[xo..xo+n). */
    static void axpy(float[] y, int yo, float a, float[] x, int xo, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int bound = F.loopBound(n);
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector.fromArray(F, x, xo + p).fma(av, FloatVector.fromArray(F, y, yo + p)).intoArray(y, yo + p);
        }
        for (; p < n; p++) y[yo + p] += a * x[xo + p];
    }

    // ---- helpers ------------------------------------------------------------------------------



}
