// Vector loads of stored weights (F32, BF16, F16; little-endian) as L floats, the vector form of
// Weights.read, and the species every vector kernel shares. Loaded only when VectorApi.ENABLED.
//   i = flat element index into the segment (elements, not bytes); len = consecutive elements read;
//   L = lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** The vector side of {@link Weights}. */
final class WeightsVector {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** L shorts and L ints: the widths a 16-bit → 32-bit conversion of one float vector needs. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * Short.SIZE));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(L * Integer.SIZE));

    private WeightsVector() {
    }

    static String describe() {
        return "vector species " + F + " (" + L + " float lanes)";
    }

    /** dst[dstOff + j] = w[i + j] for j in [0, len), w BF16 or F16. */
    static void read(float[] dst, int dstOff, MemorySegment w, DType type, long i, int len) {
        int j = 0;
        switch (type) {
            case BF16 -> {
                for (int bound = F.loopBound(len); j < bound; j += L) bf16(w, i + j).intoArray(dst, dstOff + j);
            }
            case F16 -> {
                // C2 compiles this Float.float16ToFloat loop into vcvtph2ps; on long runs it is as fast as
                // f16's integer lanes or faster, which win only where runs are short (packWeightPanels)
                Weights.readScalar(dst, dstOff, w, type, i, len);
                return;
            }
            default -> throw Weights.unsupported(type);
        }
        Weights.readScalar(dst, dstOff + j, w, type, i + j, len - j);
    }

    /**
     * L f16 values at element i, converted in integer lanes (the Vector API has no f16 conversion):
     * the 15 bits below the sign, shifted up 13, are the magnitude as a float 2¹¹² too small (f16's
     * exponent bias is 15, a float's 127), which one multiplication restores exactly, subnormals
     * included; exponent 31 (inf, NaN) is set to 255 instead, keeping the significand; then the
     * sign. Equals {@link Float#float16ToFloat} on all 65536 patterns (a NaN stays a NaN; the
     * compiled intrinsic also sets the quiet bit, so NaN payloads are not compared). Where runs are
     * long, {@link #read} keeps the auto-vectorised {@code float16ToFloat} loop: on whole 2048-wide
     * rows this was no faster (benchmarks/README.md, fourteenth pass).
     */
    static FloatVector f16(MemorySegment w, long i) {
        IntVector h = ShortVector.fromMemorySegment(S, w, i * 2, LE)
                .convertShape(VectorOperators.S2I, I, 0)
                .reinterpretAsInts();
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector bits = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                .blend(shifted.or(0x7f800000), magnitude.compare(VectorOperators.GE, 0x7c00));
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** L floats at element i of an F32 segment. */
    static FloatVector f32(MemorySegment w, long i) {
        return FloatVector.fromMemorySegment(F, w, i * 4, LE);
    }

    /** L bf16 values at element i: a bf16 is the top half of a float, so widen to int and shift left 16. */
    static FloatVector bf16(MemorySegment w, long i) {
        return ShortVector.fromMemorySegment(S, w, i * 2, LE)
                .convertShape(VectorOperators.S2I, I, 0)
                .reinterpretAsInts()
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }
}
