package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static greater.tensor.kernels.MicroKernel.KC;
import static greater.tensor.kernels.MicroKernel.LDW_PAD;
import static greater.tensor.kernels.MicroKernel.MC;
import static greater.tensor.kernels.MicroKernel.MR;
import static greater.tensor.kernels.MicroKernel.NR;

/**
 * The gradients' products: C[M,N] (+)= A[M,K]·B[K,N] with B packed into NR-wide k-major panels and
 * A read by the {@link MicroKernel}, for dx = dy·W (B = W [n,k], A = dy's rows) and dw += dyᵀ·x
 * (B = x, A = dyᵀ's panels). Three ways to share the work between the threads: C's columns
 * ({@link #gemmOuter}), the reduction index K, each thread summing its range into its own partial
 * C ({@link #gemmSplitK}), or C's rows with W packed once ({@link #gemmSplitRows});
 * MatMulVector.inputGrad picks one.
 */
final class GradientCore {
    /**
     * Outer core with A's rows (dx = dy·W, gemmOuter): floats of packed B per task block (512 KiB,
     * half an L2), which sets its k-span (rowsSpan): longer spans flush each tile of C fewer times
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static final int ROWS_B_BLOCK = 128 * 1024;
    /**
     * Rows of C per task of gemmSplitRows at most: with KC-long spans 128 rows beat 256; with
     * 1536-long spans 64 and 256 ran alike (benchmarks/README.md, "Measurements behind the kernels'
     * design").
     */
    static final int ROW_BLOCK = 128;
    /**
     * gemmSplitRows: W's rows per k-span at most, and NR-wide panels per packing task. Longer spans
     * flush each tile of C fewer times: 1536 against KC = 256 won although a block's A span, 128 ×
     * 1536 floats, then takes most of L2 ({@link #gemmSplitRows}).
     */
    static final int SPLIT_ROWS_SPAN = 1536, PACK_PANELS = 4;
    /**
     * Split-K's span of W's rows and chunk of its columns: a chunk's panels (512 KiB of floats)
     * stay in L2 while every row of A passes over them ({@link #gemmSplitK}).
     */
    static final int SPLIT_K_SPAN = 512, SPLIT_K_CHUNK = 256;

    private GradientCore() {
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

    /**
     * C[M,N] += A[M,K]·B[K,N] (= when not accumulate). A (up to MC rows at a time, all of K) is
     * prepared once, split over the threads: packed into MR-row panels by aPanels (for
     * MicroKernel.panelKernel), or, when aRows (row-major [M, K]) is given instead, copied by rows to
     * a stride of K + LDW_PAD (for MicroKernel.rowsKernel). Each task
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
        int nBlocks = Math.ceilDiv(N, nb);
        int mcMax = Math.min(MC, M), lda = K + LDW_PAD;
        float[] ap = Scratch.floats(0, aRows != null ? mcMax * lda : MatMul.roundUp(mcMax, MR) * K);
        for (int m0 = 0; m0 < M; m0 += MC) {
            int mRows = Math.min(MC, M - m0), mp = MatMul.roundUp(mRows, MR), panels = mp / MR, fm0 = m0;
            if (aRows != null) {
                Parallel.forRange(mRows, Math.max(1, 16384 / K),
                        (r0, r1) -> Packing.copyRows(ap, r0 * lda, lda, aRows, K, fm0 + r0, r1 - r0));
            } else {
                // one task per (k-span, MR-row panel), as ForwardCore.gemmForward packs x
                Parallel.forRange(Math.ceilDiv(K, KC) * panels, 1, (t0, t1) -> {
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
                                    MicroKernel.rowsKernel(c, N, 0, fm0 + i, n0 + j, vr, Math.min(NR, nRows - j), ap,
                                            i * lda + k0, lda, kLen, bp, j * kLen, tile, assign);
                                } else {
                                    MicroKernel.panelKernel(c, N, 0, fm0 + i, n0 + j, vr, Math.min(NR, nRows - j), ap,
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
     * gemmOuter's k-span with A's rows (dx = dy·W): balanced spans of up to ROWS_B_BLOCK / nbp
     * k-steps (at least KC), so a block of packed B stays within half an L2 and each tile of C is
     * flushed once per span instead of once per KC.
     */
    static int rowsSpan(int K, int nbp) {
        int most = Math.max(KC, ROWS_B_BLOCK / Math.max(1, nbp));
        return Math.ceilDiv(K, Math.ceilDiv(K, most));
    }

    /**
     * C[M,N] += A[M,K]·W[K,N] split over K, W's rows: each thread takes one contiguous range of W's
     * rows and sums it into its own partial C (the first thread into C itself; the partials are
     * added at the end). A range goes in balanced spans of up to SPLIT_K_SPAN rows; for each span
     * the thread copies its rows of A ([M, K] row-major) to a padded stride once, then packs the
     * span's rows of W up to SPLIT_K_CHUNK columns at a time into NR-wide panels and multiplies
     * each chunk while it is in L2. Whole-width slabs of KC rows instead (2 MB of panels at 2048
     * columns, twice this machine's L2) flushed every tile of C twice as often and read the panels
     * back from L3, and ran slower (benchmarks/README.md, "Measurements behind the kernels'
     * design").
     */
    static void gemmSplitK(float[] c, int M, int N, int K, float[] a, MemorySegment w, DType type, boolean accumulate) {
        if (M <= 0 || N <= 0 || K <= 0) return; // callers come with ceilDiv(K, KC) ≥ 2·THREADS
        int tasks = Math.min(Parallel.THREADS, Math.ceilDiv(K, KC)), size = M * N;
        // task 0 adds into (or writes) c itself; the others their slices of one buffer (slot 0: the caller's)
        float[] partials = Scratch.floats(0, (tasks - 1) * size);
        int chunks = Math.ceilDiv(N, SPLIT_K_CHUNK), cw = MatMul.roundUp(Math.ceilDiv(N, chunks), NR);
        int lda = SPLIT_K_SPAN + LDW_PAD;
        Parallel.forRange(tasks, 1, (t0, t1) -> {
            float[] bp = Scratch.floats(1, cw * SPLIT_K_SPAN);
            float[] ap = Scratch.floats(2, Math.min(MC, M) * lda);
            float[] tile = Scratch.floats(3, MR * NR);
            for (int t = t0; t < t1; t++) {
                float[] ct = t == 0 ? c : partials;
                int cOff = t == 0 ? 0 : (t - 1) * size;
                int from = (int) ((long) t * K / tasks), to = (int) ((long) (t + 1) * K / tasks);
                int span = Math.ceilDiv(to - from, Math.ceilDiv(to - from, SPLIT_K_SPAN));
                for (int k0 = from; k0 < to; k0 += span) {
                    int kLen = Math.min(span, to - k0);
                    // a partial's first span writes it (its buffer holds an earlier call's sums); c's when not accumulating
                    boolean assign = k0 == from && (t > 0 || !accumulate);
                    for (int m0 = 0; m0 < M; m0 += MC) {
                        int mRows = Math.min(MC, M - m0);
                        copySpan(ap, lda, a, K, m0, mRows, k0, kLen);
                        for (int c0 = 0; c0 < N; c0 += cw) {
                            int cols = Math.min(cw, N - c0);
                            Packing.packWeightPanels(bp, 0, NR, w, type, N, c0, cols, k0, kLen);
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
     * panels at bp[bOff..] (Packing.packWeightPanels), A's span copied by copySpan; C [·, N] at cOff.
     */
    private static void addSpan(float[] c, int cOff, int N, int c0, int cols, int m0, int mRows, float[] ap, int lda,
                                int kLen, float[] bp, int bOff, float[] tile, boolean assign) {
        for (int j = 0; j < cols; j += NR) {
            for (int i = 0; i < mRows; i += MR) {
                MicroKernel.rowsKernel(c, N, cOff, m0 + i, c0 + j, Math.min(MR, mRows - i), Math.min(NR, cols - j), ap,
                        i * lda, lda, kLen, bp, bOff + j * kLen, tile, assign);
            }
        }
    }

    /** c[0, size) += each of the {@code count} partial sums partials[t·size, (t + 1)·size), in order. */
    private static void addPartials(float[] c, float[] partials, int count, int size) {
        if (count <= 0) return;
        Parallel.forRange(size, 16384, (i0, i1) -> {
            for (int t = 0; t < count; t++) ElementwiseVector.axpy(c, i0, 1f, partials, t * size + i0, i1 - i0);
        });
    }

    /**
     * C[M,N] += A[M,K]·W[K,N] for many rows (= when not accumulate): W is packed once, in k-spans of
     * at most SPLIT_ROWS_SPAN rows (balanced) of NR-wide panels shared by the threads, which split
     * C's rows into blocks ({@link #splitRowsBlock}) and run all of K on each block, so no partial
     * sums are added. Split-K (gemmSplitK) sweeps all of C once per span instead and adds a partial
     * C per extra task: at 1024 rows and N = 576, two partials of 2.4 MB that do not fit L2. Spans
     * of K = 1536 instead of 256 flush each tile of C once instead of six times; blocks the threads
     * finish together keep 600 rows from running 3 blocks of 128 on one thread against 2 on the
     * other (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static void gemmSplitRows(float[] c, int M, int N, int K, float[] a, MemorySegment w, DType type, boolean accumulate) {
        if (M <= 0 || N <= 0 || K <= 0) return; // callers come with ceilDiv(K, KC) ≥ 2·THREADS
        int span = splitRowsSpan(K), spans = Math.ceilDiv(K, span);
        int np = MatMul.roundUp(N, NR), spanSize = np * span, lda = span + LDW_PAD;
        int groups = Math.ceilDiv(np, PACK_PANELS * NR);
        float[] bp = Scratch.floats(0, spans * spanSize);
        // span s at bp[s·spanSize..], its panels kLen·NR floats each; tasks of PACK_PANELS panels
        Parallel.forRange(spans * groups, 1, (t0, t1) -> {
            for (int task = t0; task < t1; task++) {
                int s = task / groups, c0 = (task % groups) * PACK_PANELS * NR;
                int k0 = s * span, kLen = Math.min(span, K - k0);
                Packing.packWeightPanels(bp, s * spanSize + c0 * kLen, NR, w, type, N, c0,
                        Math.min(PACK_PANELS * NR, N - c0), k0, kLen);
            }
        });
        int rb = splitRowsBlock(M);
        Parallel.forRange(Math.ceilDiv(M, rb), 1, (b0, b1) -> {
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
        return Math.ceilDiv(K, Math.ceilDiv(K, SPLIT_ROWS_SPAN));
    }

    /**
     * gemmSplitRows' rows per block: from ROW_BLOCK down to half of it in whole tiles of MR, the
     * most whose blocks the threads finish together ({@link Parallel#makespan}, a block's cost its
     * rows): 600 rows on 2 threads as 6 blocks of 104 (the last 80), not 5 of 128 (3 blocks on one
     * thread); 1024 rows stay 8 blocks of 128.
     */
    static int splitRowsBlock(int M) {
        return Parallel.earliestBlock(ROW_BLOCK, ROW_BLOCK / 2, MR, rows -> Parallel.blockSizes(new int[]{M}, rows));
    }

    /** Columns of C per task: up to four tasks per thread when N allows, whole NR panels, ≤ 512. */
    static int blockColumns(int N) {
        int target = Math.ceilDiv(N, 4 * Parallel.THREADS);
        return Math.max(NR, Math.min(512, MatMul.roundUp(target, NR)));
    }
}
