package greater.tensor;

/**
 * Conversions between float and the two 16-bit float formats. F16 uses the JDK's
 * {@link Float#float16ToFloat}; BF16 is the top half of an IEEE float:
 * <pre>
 *   F32:  s eeeeeeee mmmmmmm mmmmmmmmmmmmmmmm
 *   BF16: s eeeeeeee mmmmmmm                   (low 16 mantissa bits dropped)
 * </pre>
 */
public final class Float16s {
    private Float16s() {
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even, as torch's {@code tensor.to(torch.bfloat16)} does; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) return (short) ((x >>> 16) | 0x40); // quiet NaN
        int rounding = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + rounding) >>> 16);
    }

    /** {@code f} rounded to the nearest bf16 value, as a float. */
    public static float roundToBf16(float f) {
        return bf16ToFloat(floatToBf16(f));
    }
}
