// Reading stored weights (F32, BF16, F16; little-endian) as floats (vector loads: WeightsVector).
//   i = flat element index into the segment (elements, not bytes); len = consecutive elements read.
package greater.tensor.kernels;

import greater.tensor.DType;
import greater.tensor.Float16s;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Element access to weight segments in their stored dtype; every kernel that reads weights goes through here. */
public final class Weights {
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Weights() {
    }

    /** Element {@code i} of {@code w} as a float. */
    public static float get(MemorySegment w, DType type, long i) {
        return switch (type) {
            case F32 -> w.get(F32_LE, i * 4);
            case BF16 -> Float16s.bf16ToFloat(w.get(I16_LE, i * 2));
            case F16 -> Float.float16ToFloat(w.get(I16_LE, i * 2));
            default -> throw unsupported(type);
        };
    }

    /** dst[dstOff + j] = w[i + j] for j in [0, len). */
    public static void read(float[] dst, int dstOff, MemorySegment w, DType type, long i, int len) {
        if (type == DType.F32) MemorySegment.copy(w, F32_LE, i * 4, dst, dstOff, len);
        else if (VectorApi.ENABLED) WeightsVector.read(dst, dstOff, w, type, i, len);
        else readScalar(dst, dstOff, w, type, i, len);
    }

    public static void readScalar(float[] dst, int dstOff, MemorySegment w, DType type, long i, int len) {
        switch (type) {
            case F32 -> {
                for (int j = 0; j < len; j++) dst[dstOff + j] = w.get(F32_LE, (i + j) * 4);
            }
            case BF16 -> {
                for (int j = 0; j < len; j++) dst[dstOff + j] = Float16s.bf16ToFloat(w.get(I16_LE, (i + j) * 2));
            }
            case F16 -> {
                for (int j = 0; j < len; j++) dst[dstOff + j] = Float.float16ToFloat(w.get(I16_LE, (i + j) * 2));
            }
            default -> throw unsupported(type);
        }
    }

    /** Number of elements of {@code type} the segment holds. */
    public static long elements(MemorySegment w, DType type) {
        return w.byteSize() / type.bytes;
    }

    static IllegalArgumentException unsupported(DType type) {
        return new IllegalArgumentException("kernels read F32, BF16 or F16 weights, not " + type);
    }
}
