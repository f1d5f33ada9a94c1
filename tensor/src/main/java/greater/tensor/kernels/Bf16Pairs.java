package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.function.IntUnaryOperator;

/**
 * BF16 weights read as L ints, each a pair of bf16 values, split into floats with one shift (the
 * even elements, low halves) and one mask (the odd elements, high halves), with no widening
 * conversion; x is deinterleaved to match ({@link #deinterleave}), and sums kept in that order are
 * put back with INTERLEAVE_LOW and INTERLEAVE_HIGH.
 */
final class Bf16Pairs {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;
    /**
     * Index vectors of two-vector selectFrom (lane indices into a ++ b, 0 to 2L − 1): EVEN and ODD
     * take a 2L-float chunk apart into its even and odd elements, INTERLEAVE_LOW and INTERLEAVE_HIGH
     * put the two halves back, e0 o0 e1 o1 … .
     */
    private static final FloatVector EVEN = laneIndex(c -> 2 * c), ODD = laneIndex(c -> 2 * c + 1);
    static final FloatVector INTERLEAVE_LOW = laneIndex(c -> c / 2 + (c % 2) * L);
    static final FloatVector INTERLEAVE_HIGH = laneIndex(c -> L / 2 + c / 2 + (c % 2) * L);

    private Bf16Pairs() {
    }

    /**
     * xq[i·k2 + c ..] = each 2L-float chunk of x's row i (x [m,k], the chunks below k2, a multiple of
     * 2L) reordered as its L even then its L odd elements, to meet W read by {@link #pairs}. xq is the
     * calling thread's Scratch slot 0, so the caller must not hold slot 0 for anything else.
     */
    static float[] deinterleave(float[] x, int m, int k, int k2) {
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

    private static FloatVector laneIndex(IntUnaryOperator lane) {
        float[] idx = new float[L];
        for (int c = 0; c < L; c++) idx[c] = lane.applyAsInt(c);
        return FloatVector.fromArray(F, idx, 0);
    }

    /** Even (low-half) bf16 elements of L ints as floats. */
    static FloatVector evenBf16(IntVector v) {
        return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Odd (high-half) bf16 elements of L ints as floats. */
    static FloatVector oddBf16(IntVector v) {
        return v.and(0xFFFF0000).reinterpretAsFloats();
    }

    /** L ints from W's segment at bf16 element {@code element} (2L weights, little-endian pairs). */
    static IntVector pairs(MemorySegment w, long element) {
        return IntVector.fromMemorySegment(WeightsVector.I, w, element * 2, WeightsVector.LE);
    }
}
