package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The outer-product cores' register tile (GotoBLAS/BLIS micro-kernel), and the blocking around it
 * (KC, MC, LDW_PAD): an MR×NR block of C held in MR·NR/L = 16 vector accumulators while a k-span of
 * outer products passes (per k-step two vectors of a B row, MR broadcasts of A, 16 FMAs, no
 * horizontal sums), then added to C, or stored when it is the product's first span ({@link #flush}). A comes as MR rows of a row-major buffer
 * ({@link #rowsKernel}) or as an MR-row panel ({@link #panelKernel}); B as an NR-wide k-major
 * panel ({@link Packing}). The forward's two variants, W broadcast straight from its segment and a
 * one-vector-wide tile, are ForwardCore's. Shapes: C [·, ldc] from cBase; p indexes the k-span,
 * L = float lanes.
 */
final class MicroKernel {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /** Outer core tile: MR·NR/L = 16 accumulators + 2 B vectors + 1 broadcast, of 32 AVX-512 registers. */
    static final int MR = 8, NR = 2 * L;
    /** Outer core k-span: a KC×NR panel of B (32 KiB at L = 16) stays inside L1. */
    static final int KC = 256;
    /**
     * Rows that rowsKernel broadcasts from (its A) sit K + LDW_PAD floats apart, so its 8 broadcast
     * streams do not share one L1 set.
     */
    static final int LDW_PAD = 16;
    /** Rows of A packed per outer block (bounds the packed A buffer for long inputs). */
    static final int MC = 1024;

    private MicroKernel() {
    }

    /**
     * tile[r][q] = Σ_{p < kLen} A[r][p]·B[p][q] with A's rows at a0 + r·aStride and B a k-major
     * NR-wide panel at bo; then c[cBase + (ci + r)·ldc + cj + q] += tile[r][q] (= when assign) for
     * the valid vr × vc corner. Rows r ≥ vr re-read row vr − 1 (in bounds) and are dropped.
     */
    static void rowsKernel(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] ap,
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
     * C[ci.., cj..] += Σ_p a[p][0..MR)ᵀ ⊗ b[p][0..NR) over one KC span: 8 rows × 2 vectors of
     * accumulators; only the valid vr × vc corner is added to C (the weight gradient, its one
     * caller, always accumulates).
     */
    static void panelKernel(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] ap,
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
    static void flush(float[] c, int ldc, int cBase, int ci, int cj, int vr, int vc, float[] tile, boolean assign) {
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
}
