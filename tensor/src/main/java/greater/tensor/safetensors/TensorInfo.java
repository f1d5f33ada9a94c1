package greater.tensor.safetensors;

import greater.tensor.DType;

import java.util.Arrays;

/**
 * One header entry of a safetensors file, already validated: {@code shape} holds non-negative
 * dimensions whose element count times {@code dtype.bytes} equals {@code end - begin}, and
 * {@code [begin, end)} is a byte range of the file's data section (offsets count from the first byte
 * after the header, as the format's {@code data_offsets} do).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy of the dimensions ({@code []} for a scalar). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d; // validated when the header was read: cannot overflow
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Long.hashCode(begin) * 17 + Long.hashCode(end);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + dtype + " " + Arrays.toString(shape) + " @ [" + begin + ", " + end + ")]";
    }
}
