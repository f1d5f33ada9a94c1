package greater.tensor.safetensors;

import greater.tensor.Shape;
import greater.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static greater.tensor.safetensors.SafetensorsFormatException.quote;

/** Turns a validated entry and its raw bytes into a {@link Tensor} view or a Java array. */
final class Views {
    // Spec: "Endianness: Little-endian." Offsets need not be aligned, so all reads are unaligned.
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Views() {
    }

    static Tensor tensor(Path file, TensorInfo info, MemorySegment bytes) {
        if (!info.dtype().isFloatTensorType()) {
            throw new SafetensorsFormatException(file, "tensor " + quote(info.name()) + " has dtype " + info.dtype()
                    + ", which cannot be used as floats; read it with bytes()");
        }
        long[] shape = info.shape();
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(file, "tensor " + quote(info.name()) + " dimension " + i
                        + " is " + shape[i] + ", beyond what a Tensor can index; read it with bytes()");
            }
            dims[i] = (int) shape[i];
        }
        return Tensor.view(bytes, info.dtype(), Shape.of(dims));
    }

    static long[] longs(Path file, TensorInfo info, MemorySegment bytes) {
        int n = count(file, info);
        long[] out = new long[n];
        switch (info.dtype()) {
            case I64 -> { for (int i = 0; i < n; i++) out[i] = bytes.getAtIndex(I64, i); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = bytes.getAtIndex(I32, i); }
            case U32 -> { for (int i = 0; i < n; i++) out[i] = Integer.toUnsignedLong(bytes.getAtIndex(I32, i)); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = bytes.getAtIndex(I16, i); }
            case U16 -> { for (int i = 0; i < n; i++) out[i] = Short.toUnsignedLong(bytes.getAtIndex(I16, i)); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = bytes.get(ValueLayout.JAVA_BYTE, i); }
            case U8 -> { for (int i = 0; i < n; i++) out[i] = Byte.toUnsignedLong(bytes.get(ValueLayout.JAVA_BYTE, i)); }
            default -> throw new SafetensorsFormatException(file, "tensor " + quote(info.name()) + " has dtype "
                    + info.dtype() + ", not a supported integer type; read it with "
                    + (info.dtype().isFloatTensorType() ? "tensor()" : "bytes()"));
        }
        return out;
    }

    static int[] ints(Path file, TensorInfo info, MemorySegment bytes) {
        long[] values = longs(file, info, bytes);
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            if (values[i] != (int) values[i]) {
                throw new SafetensorsFormatException(file, "tensor " + quote(info.name()) + " value " + values[i]
                        + " at index " + i + " does not fit in an int; read it with longs()");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    private static int count(Path file, TensorInfo info) {
        long n = info.elementCount();
        if (n > MAX_ARRAY) {
            throw new SafetensorsFormatException(file, "tensor " + quote(info.name()) + " has " + n
                    + " elements, too many for a Java array; read it with bytes()");
        }
        return (int) n;
    }
}
