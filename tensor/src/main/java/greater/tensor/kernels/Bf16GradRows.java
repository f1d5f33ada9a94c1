package greater.tensor.kernels;

import greater.tensor.DType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * dx = dy·W for BF16 W and few rows of dy (up to 8, exactly 16, or at most
 * MatMulVector.BF16_GRAD_ROWS_MAX_ELEMENTS floats of dx): W converted in registers and never packed, dx kept in
 * {@link Bf16Pairs}' deinterleaved order meanwhile. Shapes as in MatMul: dy [m,n], W [n,k], dx [m,k].
 */
final class Bf16GradRows {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /**
     * BF16 row kernel of the input gradient: a thread's range of W holds at least this many weights;
     * the 8-row register kernel passes over all of dx's columns once per span of this many rows of
     * W (64 rather than 256: faster with W in DRAM, slower with W in L3; benchmarks/README.md,
     * "Measurements behind the kernels' design").
     */
    static final int BF16_GRAD_GRAIN_WEIGHTS = 256 * 1024, BF16_GRAD_SPAN = 64;

    private Bf16GradRows() {
    }

    /**
     * dx[m,k] += dy[m,n]·W[n,k] for BF16 W and few rows, W converted in registers (even and odd
     * elements apart, as {@link Bf16Pairs#deinterleave}; dx is kept deinterleaved meanwhile) and
     * never stored as floats. Each block of 8 rows of dx keeps 2L of its columns in registers while
     * a span of W's rows passes ({@link #blockOf8Rows}); the rows past the last block of 8 take 8
     * rows of W at a time, converted once for all of them ({@link #rowsPastBlocks}). Every block and
     * then those rows run over one span of W before the next span, so a span comes from memory once
     * (a block at a time over all of W read W once per block, and ran slower). Threads claim ranges
     * of W's rows (groups of 8), one range per thread (two per thread ran slower when their count
     * did not divide evenly), each range summed into its own partial dx and the partials added in
     * range order at the end, so the result does not depend on which thread took which range; a
     * split of dx's columns instead had each thread read half of every W row, and ran slower
     * (benchmarks/README.md, "Measurements behind the kernels' design").
     */
    static void inputGrad(float[] dx, float[] dy, int m, int n, MemorySegment w, int k) {
        int k2 = k / (2 * L) * (2 * L), size = m * k2;
        float[] dq = Bf16Pairs.deinterleave(dx, m, k, k2);
        int groups = Math.ceilDiv(n, 8), n8 = groups * 8;
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
                        blockOf8Rows(target, off + b * k2, k2, r > 0 && j0 == from, dyT, b * n, w, k, k2, j0, j1,
                                Math.min(to, j1 + BF16_GRAD_SPAN), sink);
                    }
                    if (m8 < m) rowsPastBlocks(target, off, dyp, n8, m8, m, w, n, k, k2, j0, j1);
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
    private static void rowsPastBlocks(float[] dq, int off, float[] dy, int ldy, int i0, int m, MemorySegment w, int n,
                                       int k, int k2, int from, int to) {
        for (int j0 = from; j0 < to; j0 += 8) {
            int last = Math.min(8, n - j0) - 1;
            long r0 = (long) j0 * k, r1 = r0 + (long) Math.min(1, last) * k, r2 = r0 + (long) Math.min(2, last) * k;
            long r3 = r0 + (long) Math.min(3, last) * k, r4 = r0 + (long) Math.min(4, last) * k;
            long r5 = r0 + (long) Math.min(5, last) * k, r6 = r0 + (long) Math.min(6, last) * k;
            long r7 = r0 + (long) Math.min(7, last) * k;
            for (int p = 0; p < k2; p += 2 * L) {
                IntVector v = Bf16Pairs.pairs(w, r0 + p);
                FloatVector e0 = Bf16Pairs.evenBf16(v), o0 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r1 + p);
                FloatVector e1 = Bf16Pairs.evenBf16(v), o1 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r2 + p);
                FloatVector e2 = Bf16Pairs.evenBf16(v), o2 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r3 + p);
                FloatVector e3 = Bf16Pairs.evenBf16(v), o3 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r4 + p);
                FloatVector e4 = Bf16Pairs.evenBf16(v), o4 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r5 + p);
                FloatVector e5 = Bf16Pairs.evenBf16(v), o5 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r6 + p);
                FloatVector e6 = Bf16Pairs.evenBf16(v), o6 = Bf16Pairs.oddBf16(v);
                v = Bf16Pairs.pairs(w, r7 + p);
                FloatVector e7 = Bf16Pairs.evenBf16(v), o7 = Bf16Pairs.oddBf16(v);
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
    private static void blockOf8Rows(float[] dq, int off, int ldq, boolean fromZero, float[] dyT, int dyOff,
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
                touched = touched.or(Bf16Pairs.pairs(w, Math.min(touch, touchLast)));
                touch += 2 * L;
                IntVector v = Bf16Pairs.pairs(w, (long) j * k + p);
                FloatVector e = Bf16Pairs.evenBf16(v), o = Bf16Pairs.oddBf16(v);
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
     * {@link Bf16Pairs#deinterleave}).
     */
    private static void interleaveSum(float[] dx, int dxOff, float[] dq, float[] partials, int q, int count, int size,
                                      int k2) {
        for (int c = 0; c < k2; c += 2 * L) {
            FloatVector e = FloatVector.fromArray(F, dq, q + c), o = FloatVector.fromArray(F, dq, q + c + L);
            for (int t = 0; t < count; t++) {
                e = e.add(FloatVector.fromArray(F, partials, t * size + q + c));
                o = o.add(FloatVector.fromArray(F, partials, t * size + q + c + L));
            }
            Bf16Pairs.INTERLEAVE_LOW.selectFrom(e, o).intoArray(dx, dxOff + c);
            Bf16Pairs.INTERLEAVE_HIGH.selectFrom(e, o).intoArray(dx, dxOff + c + L);
        }
    }
}
