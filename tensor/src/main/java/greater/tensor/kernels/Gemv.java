package greater.tensor.kernels;

import greater.tensor.DType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The GEMV: out = x·Wᵀ for up to MatMulVector.GEMV_MAX_ROWS rows of x, W read once, straight from
 * its segment, never packed; the threads take ranges of W's rows, 4 at a time. F32 is read as it
 * is, BF16 as pairs against x deinterleaved to match ({@link Bf16Pairs}), converted in registers;
 * F16's 4 rows are converted into a buffer first (Weights.read). Shapes as in
 * MatMul: x [m,k], W [n,k], out [m,n].
 */
final class Gemv {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private Gemv() {
    }

    /** out[i,:] = W·x_i for m ≤ 3 rows: threads take ranges of W rows, 4 at a time, each read once. */
    static void gemv(float[] out, float[] x, int m, int k, MemorySegment w, DType type, int n) {
        int groups = Math.ceilDiv(n, 4);
        int grain = Math.max(1, 8192 / Math.max(1, k)); // ~32k weights per task at least
        int k2 = k / (2 * L) * (2 * L);
        float[] xq = type == DType.BF16 ? Bf16Pairs.deinterleave(x, m, k, k2) : null;
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

    // The dotRows variants are the same loop over a different load; kept apart so each compiles
    // to straight-line vector code with no per-iteration dtype dispatch.
    /**
     * Fewer than 4 rows: writes out[oo + r] and returns false. 4 rows: leaves their lanes and tails in
     * lanes (a per-thread buffer of 4L + 4 floats) for {@link #finishRows} and returns true; the
     * horizontal sums inlined here would outgrow C2's inlining node budget (see DotCore#tile).
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
     * Dot products of 4 (or fewer) bf16 rows with x: 2L weights per step through {@link Bf16Pairs#deinterleave}d x;
     * returns and leaves lanes as {@link #dotRowsF32}.
     */
    static boolean dotRowsBf16(float[] out, int oo, float[] x, int xo, float[] xq, int qo, int k, int k2,
                               MemorySegment w, int j, int rows, float[] lanes) {
        if (rows < 4) {
            for (int r = 0; r < rows; r++) out[oo + r] = dotBf16(x, xo, xq, qo, k, k2, w, (long) (j + r) * k);
            return false;
        }
        long r0 = (long) j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        for (int p = 0; p < k2; p += 2 * L) {
            FloatVector xe = FloatVector.fromArray(F, xq, qo + p), xd = FloatVector.fromArray(F, xq, qo + p + L);
            IntVector v = Bf16Pairs.pairs(w, r0 + p);
            s0 = Bf16Pairs.evenBf16(v).fma(xe, s0);
            t0 = Bf16Pairs.oddBf16(v).fma(xd, t0);
            v = Bf16Pairs.pairs(w, r1 + p);
            s1 = Bf16Pairs.evenBf16(v).fma(xe, s1);
            t1 = Bf16Pairs.oddBf16(v).fma(xd, t1);
            v = Bf16Pairs.pairs(w, r2 + p);
            s2 = Bf16Pairs.evenBf16(v).fma(xe, s2);
            t2 = Bf16Pairs.oddBf16(v).fma(xd, t2);
            v = Bf16Pairs.pairs(w, r3 + p);
            s3 = Bf16Pairs.evenBf16(v).fma(xe, s3);
            t3 = Bf16Pairs.oddBf16(v).fma(xd, t3);
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
            IntVector v = Bf16Pairs.pairs(w, r0 + p);
            s = Bf16Pairs.evenBf16(v).fma(FloatVector.fromArray(F, xq, qo + p), s);
            t = Bf16Pairs.oddBf16(v).fma(FloatVector.fromArray(F, xq, qo + p + L), t);
        }
        return VectorMath.sum(s.add(t)) + tailDot(x, xo, k2, k, w, DType.BF16, r0);
    }

    /** Σ_{p ≥ from} x[xo+p]·W[r0+p]: the scalar tail of a vector dot product. */
    static float tailDot(float[] x, int xo, int from, int k, MemorySegment w, DType type, long r0) {
        float s = 0f;
        for (int p = from; p < k; p++) s += x[xo + p] * Weights.get(w, type, r0 + p);
        return s;
    }
}
