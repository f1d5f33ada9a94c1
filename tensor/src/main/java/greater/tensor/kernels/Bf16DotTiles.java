package greater.tensor.kernels;

import greater.tensor.DType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The forward with BF16 W and a few rows of x (4 to 31; to 63 when k ≥ 1024, see
 * MatMulVector.BF16_ROWS_MAX): 2×4 tiles of dot products, 2 rows of x against 4 rows of W read
 * straight from its segment as pairs, converted in registers ({@link Bf16Pairs}) and never packed.
 * Shapes as in MatMul: x [m,k], W [n,k], out [m,n].
 */
final class Bf16DotTiles {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private Bf16DotTiles() {
    }

    /**
     * out[m,n] = x·Wᵀ for BF16 W and up to 63 rows: 2×4 tiles of dot products (2 rows of x against
     * 4 rows of W), W read straight from its segment and converted in registers, never stored as
     * floats; threads take ranges of W rows, and each group of 4 rows, read from memory once, stays
     * in L1 for all rows of x; a last group of fewer than 4 rows of W takes the GEMV's row dots. Its
     * horizontal sums, 8 per tile, are paid once per k, so ForwardCore wins from 32 rows on when k is
     * short.
     */
    static void matmul(float[] out, float[] x, int m, int k, MemorySegment w, int n) {
        int groups = Math.ceilDiv(n, 4);
        int grain = Math.max(1, 8192 / Math.max(1, k));
        int k2 = k / (2 * L) * (2 * L);
        float[] xq = Bf16Pairs.deinterleave(x, m, k, k2);
        Parallel.forRange(groups, grain, (g0, g1) -> {
            float[] sums = Scratch.floats(1, 8 * L + 4);
            int j1 = Math.min(n, g1 * 4);
            for (int j = g0 * 4; j < j1; j += 4) {
                int rows = Math.min(4, j1 - j);
                if (rows < 4) {
                    for (int i = 0; i < m; i++) {
                        Gemv.dotRowsBf16(out, i * n + j, x, i * k, xq, i * k2, k, k2, w, j, rows, sums);
                    }
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
     * {@link Bf16Pairs#deinterleave}d x; a row a ≥ xr re-reads row xr − 1 and is dropped. Two rows, not four:
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
            IntVector v = Bf16Pairs.pairs(w, r0 + p);
            FloatVector e = Bf16Pairs.evenBf16(v), o = Bf16Pairs.oddBf16(v);
            c00 = o.fma(d0, e.fma(a0, c00));
            c10 = o.fma(d1, e.fma(a1, c10));
            v = Bf16Pairs.pairs(w, r1 + p);
            e = Bf16Pairs.evenBf16(v);
            o = Bf16Pairs.oddBf16(v);
            c01 = o.fma(d0, e.fma(a0, c01));
            c11 = o.fma(d1, e.fma(a1, c11));
            v = Bf16Pairs.pairs(w, r2 + p);
            e = Bf16Pairs.evenBf16(v);
            o = Bf16Pairs.oddBf16(v);
            c02 = o.fma(d0, e.fma(a0, c02));
            c12 = o.fma(d1, e.fma(a1, c12));
            v = Bf16Pairs.pairs(w, r3 + p);
            e = Bf16Pairs.evenBf16(v);
            o = Bf16Pairs.oddBf16(v);
            c03 = o.fma(d0, e.fma(a0, c03));
            c13 = o.fma(d1, e.fma(a1, c13));
        }
        // summed by the caller (storeTile2Bf16), as in DotCore.tile
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
                float tail = Gemv.tailDot(x, (i + a) * k, k2, k, w, DType.BF16, r0 + (long) b * k);
                out[(i + a) * n + j + b] = sums[a * 4 + b] + tail;
            }
        }
    }
}
