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
     * f16 bit fields for {@link #f16}: the bits below the sign; what moves an exponent from f16's
     * bias (15) to a float's (127) in a float's exponent field; the lowest magnitude with exponent
     * 31 (infinity); the lowest normal magnitude (2⁻¹⁴).
     */
    private static final int F16_MAGNITUDE = 0x7fff, F16_REBIAS = (127 - 15) << 23, F16_INFINITY = 0x7c00,
            F16_MIN_NORMAL = 0x0400;

    /**
     * L f16 values at element i, converted in integer lanes (the Vector API has no f16 conversion),
     * as {@link Float#float16ToFloat} does it: a normal value's 15 bits below the sign, shifted up
     * 23 − 10 (the significands' widths), take its exponent from f16's bias (15) to a float's (127) by one integer add, and inf and
     * NaN (exponent 31) by a second to 255, keeping the significand; a subnormal (or zero) is its
     * 10-bit significand as an integer times 2⁻²⁴, exact and with no subnormal operand (which some
     * cores handle in microcode); then the sign, already in bit 31 of the sign-extended short.
     */
    static FloatVector f16(MemorySegment w, long i) {
        IntVector h = ShortVector.fromMemorySegment(S, w, i * 2, LE)
                .convertShape(VectorOperators.S2I, I, 0)
                .reinterpretAsInts();
        IntVector magnitude = h.and(F16_MAGNITUDE);
        IntVector normal = magnitude.lanewise(VectorOperators.LSHL, 23 - 10).add(F16_REBIAS)
                .lanewise(VectorOperators.ADD, F16_REBIAS, magnitude.compare(VectorOperators.GE, F16_INFINITY));
        FloatVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f);
        return normal.blend(subnormal.reinterpretAsInts(), magnitude.compare(VectorOperators.LT, F16_MIN_NORMAL))
                .or(h.and(Integer.MIN_VALUE))
                .reinterpretAsFloats();
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
