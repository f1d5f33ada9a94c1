package greater.tensor;

import java.util.Locale;

/**
 * Element types of the safetensors format. Only {@link #F32}, {@link #BF16} and {@link #F16} can
 * back a {@link Tensor} (the kernels read them as floats); the others are readable as raw bytes.
 */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2),
    F8_E4M3(1), F8_E5M2(1),
    I64(8), I32(4), I16(2), I8(1),
    U64(8), U32(4), U16(2), U8(1),
    BOOL(1);

    /** Bytes per element. */
    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** True when the kernels can read this type as floats. */
    public boolean isFloatTensorType() {
        return this == F32 || this == BF16 || this == F16;
    }

    /** The safetensors header name ("F32", "BF16", ...), or null when unknown. */
    public static DType fromSafetensorsName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
