package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static greater.tensor.kernels.MicroKernel.MC;

/**
 * C[M,N] = A·Bᵀ for operands whose rows are both k-contiguous: the forward with F32 or F16 W and 4 to
 * 15 rows of x, where an NR-wide tile of x would mostly idle. Rows of A and B are packed with k
 * padded to a multiple of L; an MR_DOT×NR_DOT tile of C is 16 vector dot products whose horizontal
 * sums are paid once per KB span.
 */
final class DotCore {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /** Dot core tile: 16 accumulators + 4 A vectors + 1 B vector. */
    static final int MR_DOT = 4, NR_DOT = 4;
    /** Dot core: B rows per task (NB_DOT·kp floats of packed W stay in L2) and the k-span per pass. */
    static final int NB_DOT = 64, KB = 512;

    private DotCore() {
    }

    /** Copies operand rows [row0, row0 + rows), K floats each, to dst[dstOff + r·stride + p]. */
    @FunctionalInterface
    interface RowPacker {
        void pack(float[] dst, int dstOff, int stride, int row0, int rows);
    }

    /** C[M,N] = A·Bᵀ (overwrites); A and B come row by row from their packers. */
    static void gemmDot(float[] c, int M, int N, int K, RowPacker a, RowPacker b) {
        if (M <= 0 || N <= 0) return;
        if (K <= 0) {
            Arrays.fill(c, 0, M * N, 0f);
            return;
        }
        int kp = MatMul.roundUp(K, L);
        float[] ap = Scratch.floats(0, Math.min(MC, MatMul.roundUp(M, MR_DOT)) * kp);
        int nBlocks = Math.ceilDiv(N, NB_DOT);
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
    static void tile(float[] ap, int a0, int aStride, int aRows, float[] bp, int b0, int bStride, int bRows,
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
}
