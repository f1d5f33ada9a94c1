package greater.tensor.kernels;

import greater.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MatMulTest {

    /** out[i,j] = Σ_p x[i,p]·w[j,p] in double. */
    static float[] reference(float[] x, int m, int k, float[] w, int n) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) x[i * k + p] * w[j * k + p];
                out[i * n + j] = (float) s;
            }
        }
        return out;
    }

    @Test
    void handComputed() {
        float[] x = {1, 2, 3, 4, 5, 6};            // [2,3]
        float[] w = {1, 0, -1, 0.5f, 0.5f, 0.5f};  // [2,3]
        float[] out = new float[4];
        for (DType type : WEIGHT_TYPES) {
            MatMul.matmul(out, x, 2, 3, segment(w, type), type, 2);
            assertArrayEquals(new float[]{-2, 3, -2, 7.5f}, out, 0f, type.toString());
        }
        float[] dx = {1, 1, 1, 1, 1, 1};
        MatMul.inputGrad(dx, new float[]{1, 2, 0, -1}, 2, 2, segment(w, DType.F32), DType.F32, 3, true);
        assertArrayEquals(new float[]{3, 2, 1, 0.5f, 0.5f, 0.5f}, dx, 0f);
        float[] dw = new float[6];
        MatMul.accumulateWeightGrad(dw, new float[]{1, 2, 0, -1}, x, 2, 2, 3);
        assertArrayEquals(new float[]{1, 2, 3, -2, -1, 0}, dw, 0f);
    }

    @Test
    void vectorMatchesScalarOnOddShapes() {
        Random rnd = new Random(1);
        for (DType type : WEIGHT_TYPES) {
            for (int m : ODD_SIZES) {
                for (int k : ODD_SIZES) {
                    for (int n : new int[]{1, 3, 17, 67}) {
                        checkForward(rnd, type, m, k, n, rnd.nextBoolean());
                    }
                }
            }
        }
    }

    @Test
    void rowPanelsAreTheTransposedRows() {
        // 16×16 blocks go through transpose16, the k tail (39 = 2·16 + 7) and the rows short of 16
        // (37 = 32 + 5) through gathers and scalars; past the last row the panel is zero
        assumeTrue(VectorApi.ENABLED, "the Vector API packing");
        int cols = 50, rows = 45, R = MicroKernel.NR, i0 = 3, count = 37, k0 = 5, kLen = 39, off = 7;
        float[] src = new float[rows * cols];
        for (int i = 0; i < src.length; i++) src[i] = i + 1;
        int panels = Math.ceilDiv(count, R);
        float[] dst = new float[off + panels * kLen * R];
        java.util.Arrays.fill(dst, Float.NaN);
        Packing.packRowPanels(dst, off, R, src, cols, i0, count, k0, kLen);
        for (int q = 0; q < panels; q++) {
            for (int p = 0; p < kLen; p++) {
                for (int r = 0; r < R; r++) {
                    int row = q * R + r;
                    float expected = row < count ? src[(i0 + row) * cols + k0 + p] : 0f;
                    assertEquals(expected, dst[off + (q * kLen + p) * R + r], "panel " + q + " p=" + p + " r=" + r);
                }
            }
        }
    }

    @Test
    void largerShapesExerciseTilingAndThreads() {
        Random rnd = new Random(2);
        // m ≤ 3: GEMV; 4 ≤ m < 16: dot core; m ≥ 16: outer core, whose last panel of x takes the
        // one-vector kernel when it has L rows (m = 16, 48) and dot tiles over k when it has fewer
        // (m = 33, 130, 45: k past whole vectors, n past whole tiles); BF16 W with m < 32,
        // or m < 64 and k ≥ 1024: 2×4 dot tiles (odd m, k past whole 2L steps, n past whole groups
        // of 4: {5, 1000, 129}, {33, 1100, 38}, {63, 1030, 9}), but 32 rows, one whole panel, the
        // outer core: {32, 1100, 40}; from 128 rows the outer core's k-span is all of k up to 2048,
        // else balanced: {130, 600, 37} one span, {129, 2100, 20} two of 1050 (ForwardCore.forwardSpan)
        int[][] shapes = {{64, 256, 300}, {5, 1000, 129}, {1, 2048, 97}, {33, 77, 515}, {130, 67, 64},
                {4, 67, 33}, {7, 17, 5}, {15, 131, 40}, {16, 600, 9}, {2, 300, 257}, {48, 300, 37}, {20, 129, 70},
                {33, 1100, 38}, {63, 1030, 9}, {64, 1024, 20}, {130, 600, 37}, {129, 2100, 20}, {32, 1100, 40},
                {45, 131, 21}};
        for (DType type : WEIGHT_TYPES) {
            for (int[] s : shapes) checkForward(rnd, type, s[0], s[1], s[2], true);
        }
    }

    @Test
    void weightsBroadcastFromTheFileGiveTheConvertedBlocksBits() {
        // few rows of x: the forward broadcasts W straight from its segment (rowsKernelDirect); the
        // same products in the same order as through the converted block, so the same bits. Shapes
        // with a last row group of W short of 8 (n = 37, 70, 41), two k-spans (k = 1100 is two of 550)
        // and 1 to 4 panels of x, one ragged past a one-vector tail (3 panels + 20 rows)
        assumeTrue(VectorApi.ENABLED && WeightsVector.L == 16, "the Vector API cores at 512-bit vectors");
        int nr = MicroKernel.NR;
        Random rnd = new Random(13);
        int[][] shapes = {{nr, 300, 37, 0}, {2 * nr, 1100, 70, 0}, {3 * nr + 20, 77, 41, 0},
                {4 * nr, 200, 16, 0}, {nr, 1100, 40, 1}, {nr, 64, 37, 1}};
        for (int[] s : shapes) {
            DType type = s[3] == 1 ? DType.BF16 : DType.F32;
            assertTrue(ForwardCore.readsWeightsDirectly(type, s[0]), type + " m=" + s[0]);
            checkDirect(rnd, s[0], s[1], new int[]{s[2]}, new DType[]{type}, new MemorySegment[1]);
        }
        // what is not direct: F16, BF16 past one panel, F32 past four; a last panel of x of L rows or
        // fewer (NR + 8 rows: the dot tail reads the converted block, so the block must be converted);
        // two blocks of x (MC + NR rows: the last block of NR rows direct, the first not; MC + NR + 8);
        // several weights in one call, among them F32 at an odd byte offset of a heap segment
        assertFalse(ForwardCore.readsWeightsDirectly(DType.F16, nr));
        assertFalse(ForwardCore.readsWeightsDirectly(DType.BF16, nr + 1));
        assertFalse(ForwardCore.readsWeightsDirectly(DType.F32, 4 * nr + 1));
        checkDirect(rnd, nr + 8, 300, new int[]{37}, new DType[]{DType.F32}, new MemorySegment[1]);
        checkDirect(rnd, MicroKernel.MC + nr, 40, new int[]{24}, new DType[]{DType.F32}, new MemorySegment[1]);
        checkDirect(rnd, MicroKernel.MC + nr + 8, 40, new int[]{24}, new DType[]{DType.BF16},
                new MemorySegment[1]);
        int k = 90;
        float[] odd = random(rnd, 19 * k);
        byte[] bytes = new byte[3 + odd.length * 4];
        MemorySegment slice = MemorySegment.ofArray(bytes).asSlice(3, odd.length * 4L);
        for (int i = 0; i < odd.length; i++) slice.setAtIndex(Weights.F32_LE, i, odd[i]);
        checkDirect(rnd, 2 * nr, k, new int[]{33, 70, 9, 19},
                new DType[]{DType.F32, DType.BF16, DType.F16, DType.F32}, new MemorySegment[]{null, null, null, slice});
    }

    /**
     * outs of x [m, k] against weights (random where ws[i] is null) through gemmForward with and
     * without the direct path: bitwise equal, and each equal to the product taken alone.
     */
    private static void checkDirect(Random rnd, int m, int k, int[] ns, DType[] types, MemorySegment[] ws) {
        float[] x = random(rnd, m * k);
        float[][] direct = new float[ns.length][], converted = new float[ns.length][];
        for (int i = 0; i < ns.length; i++) {
            if (ws[i] == null) ws[i] = segment(random(rnd, ns[i] * k), types[i], rnd.nextBoolean());
            direct[i] = new float[m * ns[i]];
            converted[i] = new float[m * ns[i]];
        }
        ForwardCore.gemmForward(direct, x, m, k, ws, types, ns, true);
        ForwardCore.gemmForward(converted, x, m, k, ws, types, ns, false);
        for (int i = 0; i < ns.length; i++) {
            String what = types[i] + " m=" + m + " k=" + k + " n=" + ns[i];
            assertArrayEquals(converted[i], direct[i], what);
            float[] alone = new float[m * ns[i]];
            MatMul.matmul(alone, x, m, k, ws[i], types[i], ns[i]);
            assertArrayEquals(alone, direct[i], "alone, " + what);
        }
    }

    private static void checkForward(Random rnd, DType type, int m, int k, int n, boolean offHeap) {
        float[] x = random(rnd, m * k);
        float[] w = random(rnd, n * k);
        MemorySegment seg = segment(w, type, offHeap);
        float[] expected = reference(x, m, k, rounded(w, type), n);
        float[] vec = new float[m * n];
        float[] sca = new float[m * n];
        java.util.Arrays.fill(vec, Float.NaN); // overwritten, never read
        MatMul.matmul(vec, x, m, k, seg, type, n);
        MatMul.matmulScalar(sca, x, m, k, seg, type, n);
        String what = type + " m=" + m + " k=" + k + " n=" + n;
        double atol = 2e-6 * Math.sqrt(k);
        assertClose(expected, sca, 1e-5, atol, "scalar " + what);
        assertClose(sca, vec, 1e-5, atol, "vector " + what);
    }

    @Test
    void sharedInputGivesEachProductsOwnBits() {
        // several weights on one x: the outer core packs x once and runs all their blocks together,
        // routes by rows as matmul does (GEMV, dot tiles, BF16 rows, outer core; past MC = 1024 rows
        // x is packed in two parts) and must give each output exactly what matmul gives it
        Random rnd = new Random(12);
        DType[][] typeSets = {{DType.BF16, DType.BF16, DType.BF16}, {DType.F32, DType.BF16, DType.F16}, {DType.F16, DType.F32, DType.F32}};
        int[][] shapes = {{256, 96, 0}, {20, 70, 0}, {2, 50, 0}, {9, 33, 0}, {130, 600, 0}, {1030, 40, 0}, {48, 1100, 0}};
        int[] ns = {57, 16, 130};
        for (DType[] types : typeSets) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1];
                float[] x = random(rnd, m * k);
                MemorySegment[] ws = new MemorySegment[ns.length];
                float[][] outs = new float[ns.length][];
                for (int i = 0; i < ns.length; i++) {
                    ws[i] = segment(random(rnd, ns[i] * k), types[i], true);
                    outs[i] = new float[m * ns[i]];
                    java.util.Arrays.fill(outs[i], Float.NaN); // overwritten, never read
                }
                MatMul.matmul(outs, x, m, k, ws, types, ns);
                for (int i = 0; i < ns.length; i++) {
                    float[] alone = new float[m * ns[i]];
                    MatMul.matmul(alone, x, m, k, ws[i], types[i], ns[i]);
                    assertArrayEquals(alone, outs[i], java.util.Arrays.toString(types) + " weight " + i + " m=" + m + " k=" + k);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(new float[1][], new float[4], 1, 4,
                new MemorySegment[2], new DType[2], new int[2]));
    }

    @Test
    void moreRowsThanOnePackedBlock() {
        // MatMul packs at most MC = 1024 rows of its A operand at a time.
        Random rnd = new Random(6);
        int m = 1030, k = 20, n = 40;
        float[] x = random(rnd, m * k), w = random(rnd, n * k), dy = random(rnd, m * n);
        MemorySegment seg = segment(w, DType.BF16);
        float[] out = new float[m * n], ref = new float[m * n];
        MatMul.matmul(out, x, m, k, seg, DType.BF16, n);
        MatMul.matmulScalar(ref, x, m, k, seg, DType.BF16, n);
        assertClose(ref, out, 1e-5, 1e-5, "forward");
        float[] dx = new float[m * k], dxRef = new float[m * k];
        MatMul.inputGrad(dx, dy, m, n, seg, DType.BF16, k, true);
        MatMul.inputGradScalar(dxRef, dy, m, n, seg, DType.BF16, k, true);
        assertClose(dxRef, dx, 1e-5, 1e-5, "dx");
        // dw's A operand is dyᵀ: its rows are the n outputs, so take n > 1024 here
        float[] dyWide = random(rnd, 8 * 1030), xs = random(rnd, 8 * 24);
        float[] dw = new float[1030 * 24], dwRef = new float[1030 * 24];
        MatMul.accumulateWeightGrad(dw, dyWide, xs, 8, 1030, 24);
        MatMul.accumulateWeightGradScalar(dwRef, dyWide, xs, 8, 1030, 24);
        assertClose(dwRef, dw, 1e-5, 1e-5, "dw");
    }

    @Test
    void inputGradMatchesScalarAndReference() {
        Random rnd = new Random(3);
        // n ≥ 2·THREADS·KC rows of W take split-K (W's rows split over the threads): {1, 2048, 33},
        // {5, 1500, 70} (a partial NR panel), {1030, 1100, 37} (at least SPLIT_ROWS_MIN_ROWS rows of dy
        // per thread: instead W packed whole and dy's rows split in balanced blocks, a short last one;
        // {520, 1541, 140}: the same over two spans of W's rows, the last a row shorter, and panels
        // packed in two groups, the second one partial panel; split-K over more than MC rows is
        // splitKOverMoreThanMcRows); BF16 W
        // with m ≤ 8, m = 16 or m·k ≤ 24·1024 takes the row kernel (all but the last six here; k past
        // whole 2L chunks, n past whole blocks of 8; blocks of 8 rows of dx in registers over spans of
        // W's rows that load the next span: {8, 1100, 645}, {16, 600, 1536}; a block and 5 rows more,
        // the 5 over each span after the block, over one thread's range of W and over two: {13, 300,
        // 100}, {13, 1100, 645}; fewer rows of W than a group, or k under one 2L chunk: {9, 3, 40},
        // {8, 5, 20}; past 24·1024 floats of dx, two blocks over each span: {16, 1100, 2100}), while
        // {12, 700, 2500} (not whole blocks, past 24·1024 floats) packs W,
        // {40, 600, 700} and {40, 1103, 700} too (the latter split-K: each thread's range of W's
        // rows in two spans, the last a row shorter, and dx's columns in chunks, the last ragged);
        // {20, 1100, 2100}: enough rows of W for split-K but more than SPLIT_K_MAX_COLUMNS columns of
        // dx, so split over them
        int[][] shapes = {{1, 1, 1}, {3, 17, 67}, {17, 131, 3}, {67, 3, 131}, {64, 200, 300}, {1, 2048, 33},
                {5, 1500, 70}, {8, 1100, 645}, {16, 600, 1536}, {13, 300, 100}, {13, 1100, 645}, {9, 3, 40},
                {8, 5, 20}, {16, 1100, 2100}, {12, 700, 2500}, {1030, 1100, 37}, {520, 1541, 140}, {40, 600, 700}, {40, 1103, 700}, {20, 1100, 2100}};
        for (DType type : WEIGHT_TYPES) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] dy = random(rnd, m * n);
                float[] w = random(rnd, n * k);
                MemorySegment seg = segment(w, type, rnd.nextBoolean());
                float[] init = random(rnd, m * k);
                float[] vec = init.clone(), sca = init.clone();
                MatMul.inputGrad(vec, dy, m, n, seg, type, k, true);
                MatMul.inputGradScalar(sca, dy, m, n, seg, type, k, true);
                // dx = init + dy·W: reference via the forward kernel with Wᵀ.
                float[] wt = transpose(rounded(w, type), n, k);
                float[] prod = reference(dy, m, n, wt, k);
                String what = type + " m=" + m + " n=" + n + " k=" + k;
                double atol = 2e-6 * Math.sqrt(n) + 1e-6;
                // written over old contents (NaN: any read of them would show), the same path minus the add
                float[] vecW = new float[m * k], scaW = new float[m * k];
                java.util.Arrays.fill(vecW, Float.NaN);
                java.util.Arrays.fill(scaW, Float.NaN);
                MatMul.inputGrad(vecW, dy, m, n, seg, type, k, false);
                MatMul.inputGradScalar(scaW, dy, m, n, seg, type, k, false);
                assertClose(prod, scaW, 1e-5, atol, "scalar written " + what);
                assertClose(scaW, vecW, 1e-5, atol, "vector written " + what);
                // and bit for bit what the same kernel adds into zeros (the path it replaces)
                float[] vecZ = new float[m * k];
                MatMul.inputGrad(vecZ, dy, m, n, seg, type, k, true);
                assertClose(vecZ, vecW, 0, 0, "vector written = added into zeros " + what);
                for (int i = 0; i < prod.length; i++) prod[i] += init[i];
                assertClose(prod, sca, 1e-5, atol, "scalar " + what);
                assertClose(sca, vec, 1e-5, atol, "vector " + what);
            }
        }
    }

    /**
     * packWeightPanels converts in registers (F16 through WeightsVector.f16); its panels hold the
     * very floats Weights.get reads, zero past the valid columns, for whole NR-wide panels (and an
     * R of 8, which goes through the per-panel Weights.read loop), with a partial last panel and a last group of rows
     * shorter than PACK_ROWS; F16 weights include a subnormal, −0, the largest normal, inf and NaN.
     */
    @Test
    void packedPanelsHoldTheStoredValuesExactly() {
        assumeTrue(VectorApi.ENABLED, "packWeightPanels is the Vector API's");
        Random rnd = new Random(11);
        int n = 29, k = 150;
        float[] values = random(rnd, n * k);
        float[] special = {3e-6f, -0f, 65504f, Float.POSITIVE_INFINITY, Float.NaN, -6e-8f};
        int i0 = 5, count = 2 * MicroKernel.NR + 7, k0 = 3, kLen = n - k0 - 1;
        // in packed rows and columns, the last one in the partial panel
        for (int j = 0; j < special.length; j++) values[(k0 + 1 + j) * k + i0 + 3 * j + 1] = special[j];
        values[(k0 + 8) * k + i0 + count - 2] = 3e-6f;
        for (DType type : WEIGHT_TYPES) {
            MemorySegment w = segment(values, type);
            for (int r : new int[]{MicroKernel.NR, 8}) {
                int panels = Math.ceilDiv(count, r);
                float[] dst = new float[7 + panels * kLen * r];
                Arrays.fill(dst, 42f);
                Packing.packWeightPanels(dst, 7, r, w, type, k, i0, count, k0, kLen);
                for (int q = 0; q < panels; q++) {
                    for (int p = 0; p < kLen; p++) {
                        for (int c = 0; c < r; c++) {
                            int col = q * r + c;
                            float want = col < count ? Weights.get(w, type, (long) (k0 + p) * k + i0 + col) : 0f;
                            float got = dst[7 + q * kLen * r + p * r + c];
                            boolean same = Float.isNaN(want) ? Float.isNaN(got)
                                    : Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got);
                            assertTrue(same, type + " R=" + r + " panel " + q + " row " + p + " column " + c
                                    + ": " + got + ", stored " + want);
                        }
                    }
                }
            }
        }
    }

    @Test
    void splitRowsBlocksFinishTogether() {
        assumeTrue(VectorApi.ENABLED, "gemmSplitRows is the Vector API's");
        // whole tiles from ROW_BLOCK down to half of it, never a later finish than blocks of ROW_BLOCK
        for (int m = 1; m <= 5000; m++) {
            int rb = GradientCore.splitRowsBlock(m);
            assertTrue(rb % MicroKernel.MR == 0 && rb >= GradientCore.ROW_BLOCK / 2 && rb <= GradientCore.ROW_BLOCK, "m=" + m);
            assertTrue(blocksFinish(new int[]{m}, rb) <= blocksFinish(new int[]{m}, GradientCore.ROW_BLOCK), "m=" + m + " rb=" + rb);
        }
        if (Parallel.THREADS == 2) {
            assertEquals(104, GradientCore.splitRowsBlock(600), "6 blocks, not 5 of 128 (3 on one thread)");
            assertEquals(128, GradientCore.splitRowsBlock(1024));
        }
    }

    @Test
    void splitKOverMoreThanMcRows() {
        assumeTrue(VectorApi.ENABLED, "gemmSplitK is the Vector API's");
        // inputGrad takes split-K for more than MC rows of dy (on up to 4 threads) only when W packs
        // into more than SPLIT_ROWS_MAX_PACKED floats (over 2·10⁹ multiply-adds), so the core is
        // called directly. M × N (dx's columns) × K (W's rows): {1030, 300, 1100}, a block of MC rows
        // and one of 6, two chunks of columns; {2100, 40, 777}, three blocks, a ragged last panel
        Random rnd = new Random(7);
        int[][] shapes = {{1030, 300, 1100}, {2100, 40, 777}};
        for (DType type : WEIGHT_TYPES) {
            for (int[] s : shapes) {
                int M = s[0], N = s[1], K = s[2];
                float[] a = random(rnd, M * K), w = random(rnd, K * N);
                MemorySegment seg = segment(w, type, rnd.nextBoolean());
                float[] prod = reference(a, M, K, transpose(rounded(w, type), K, N), N);
                double atol = 2e-6 * Math.sqrt(K) + 1e-6;
                String what = type + " " + M + "×" + N + "×" + K;
                float[] c = new float[M * N];
                java.util.Arrays.fill(c, Float.NaN);
                GradientCore.gemmSplitK(c, M, N, K, a, seg, type, false);
                assertClose(prod, c, 1e-5, atol, "written " + what);
                float[] init = random(rnd, M * N), d = init.clone();
                GradientCore.gemmSplitK(d, M, N, K, a, seg, type, true);
                for (int i = 0; i < prod.length; i++) prod[i] += init[i];
                assertClose(prod, d, 1e-5, atol, "added " + what);
            }
        }
    }

    @Test
    void weightGradMatchesScalarAndReference() {
        Random rnd = new Random(4);
        int[][] shapes = {{1, 1, 1}, {3, 17, 67}, {17, 131, 3}, {67, 3, 131}, {130, 200, 77}, {1, 33, 2048}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] dy = random(rnd, m * n);
            float[] x = random(rnd, m * k);
            float[] init = random(rnd, n * k);
            float[] vec = init.clone(), sca = init.clone();
            MatMul.accumulateWeightGrad(vec, dy, x, m, n, k);
            MatMul.accumulateWeightGradScalar(sca, dy, x, m, n, k);
            float[] prod = reference(transpose(dy, m, n), n, m, transpose(x, m, k), k);
            for (int i = 0; i < prod.length; i++) prod[i] += init[i];
            String what = "m=" + m + " n=" + n + " k=" + k;
            double atol = 2e-6 * Math.sqrt(m) + 1e-6;
            assertClose(prod, sca, 1e-5, atol, "scalar " + what);
            assertClose(sca, vec, 1e-5, atol, "vector " + what);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOfForward() {
        Random rnd = new Random(5);
        int m = 3, k = 5, n = 4;
        float[] x = random(rnd, m * k);
        float[] w = random(rnd, n * k);
        float[] c = random(rnd, m * n);
        float[] out = new float[m * n];
        float[] numX = numericGradient(x, 1e-2f, xx -> {
            MatMul.matmul(out, xx, m, k, MemorySegment.ofArray(w), DType.F32, n);
            return project(out, c);
        });
        float[] numW = numericGradient(w, 1e-2f, ww -> {
            MatMul.matmul(out, x, m, k, MemorySegment.ofArray(ww), DType.F32, n);
            return project(out, c);
        });
        float[] dx = new float[m * k], dw = new float[n * k];
        MatMul.inputGrad(dx, c, m, n, MemorySegment.ofArray(w), DType.F32, k, true);
        MatMul.accumulateWeightGrad(dw, c, x, m, n, k);
        assertGradient(numX, dx, 1e-3, "dx");
        assertGradient(numW, dw, 1e-3, "dw");
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }
}
