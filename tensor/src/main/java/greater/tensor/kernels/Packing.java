package greater.tensor.kernels;

import greater.tensor.DType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static greater.tensor.kernels.MicroKernel.NR;

/**
 * Copies operands into the layouts the kernels read: rows to a padded stride (copyRows,
 * copyWeightRows), and R-wide k-major panels, dst[(q·kLen + p)·R + r] = op(i0 + q·R + r, k0 + p):
 * over rows of a row-major array by 16×16 register transposes ({@link #packRowPanels}), over its
 * columns by contiguous copies ({@link #packColumnPanels}), or over W's columns, converted to float
 * in registers as they are read ({@link #packWeightPanels}).
 */
final class Packing {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /**
     * W rows packed together into B panels: one row at a time writes one NR-float row per panel,
     * kLen·NR floats apart (an L1 set conflict and a new page per store); 8 rows write 1 KiB runs
     * from 8 read streams (16 were more streams than the prefetchers follow: slower at M = 16).
     */
    static final int PACK_ROWS = 8;
    /**
     * Index vectors of {@link #transpose16}: stage b swaps bit b of the row and column indices of
     * a 16×16 block (rows r and r + 2^b, lanes from either, as two-vector selectFrom takes them).
     */
    private static final float[][] TRANSPOSE_INDEX = transposeIndex();

    private Packing() {
    }

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
     * stages of 16 two-vector permutes (vpermt2ps), 16 stores, in place of a 16-lane gather per
     * k-step (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static void transpose16(float[] src, int s0, int sStride, float[] dst, int d0, int dStride) {
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
        // its rows into a buffer with Weights.read's vcvtph2ps loop and copying that was slower,
        // benchmarks/README.md, fourteenth pass). PACK_ROWS rows at a time, panel by panel
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
}
