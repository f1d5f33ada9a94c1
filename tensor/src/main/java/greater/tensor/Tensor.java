package greater.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A row-major tensor: a {@link Shape} plus contiguous storage, which is either
 * <ul>
 *   <li>owned F32 data in a {@code float[]} (activations, gradients, trainable weights), or</li>
 *   <li>a read-only {@link MemorySegment} view in its stored dtype (F32, BF16 or F16), typically a
 *       memory-mapped safetensors weight, never copied: a bf16 model costs 2 bytes per parameter.</li>
 * </ul>
 * Identity matters: tensors have no value equality, and gradients are keyed by the tensor object
 * (two equal-valued tensors are still two different graph nodes).
 */
public final class Tensor {
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Shape shape;
    private final DType dtype;
    private final float[] data;          // owned F32, or null
    private final MemorySegment segment; // mapped/read-only view, or null
    private boolean requiresGrad;
    private float[] grad;

    private Tensor(Shape shape, DType dtype, float[] data, MemorySegment segment) {
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
        this.segment = segment;
    }

    /** Wraps {@code data} (not copied) as an owned F32 tensor of the given dimensions. */
    public static Tensor of(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length) {
            throw new IllegalArgumentException("shape " + s + " needs " + s.size() + " floats, got " + data.length);
        }
        return new Tensor(s, DType.F32, data, null);
    }

    /**
     * A new owned F32 tensor of the given dimensions, all zeros ({@code torch.zeros}).
     *
     * @throws IllegalArgumentException for a negative dimension
     * @throws ArithmeticException      when it would hold more than {@code Integer.MAX_VALUE} floats
     */
    public static Tensor zeros(int... dims) {
        return of(new float[Math.toIntExact(Shape.of(dims).size())], dims);
    }

    /** A scalar (shape [1]). */
    public static Tensor scalar(float v) {
        return of(new float[]{v}, 1);
    }

    /**
     * A read-only view of {@code segment} holding {@code shape.size()} little-endian elements of
     * {@code dtype} (F32, BF16 or F16). The segment is not copied.
     */
    public static Tensor view(MemorySegment segment, DType dtype, Shape shape) {
        if (!dtype.isFloatTensorType()) {
            throw new IllegalArgumentException("dtype " + dtype + " cannot be used as a float tensor");
        }
        if (segment.byteSize() != shape.size() * dtype.bytes) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes does not hold "
                    + shape + " x " + dtype);
        }
        return new Tensor(shape, dtype, null, segment);
    }

    public Shape shape() {
        return shape;
    }

    public int dim(int i) {
        return shape.dim(i);
    }

    public int rank() {
        return shape.rank();
    }

    public long size() {
        return shape.size();
    }

    public DType dtype() {
        return dtype;
    }

    /** True for owned F32 data, false for read-only views. */
    public boolean isOwned() {
        return data != null;
    }

    /** The owned F32 array (row-major). Views have none: use {@link #toFloatArray()} or {@link #segment()}. */
    public float[] data() {
        if (data == null) throw new IllegalStateException("tensor " + shape + " " + dtype + " is a read-only view");
        return data;
    }

    /** The storage as a memory segment: the view itself, or a heap segment over the owned array. */
    public MemorySegment segment() {
        return segment != null ? segment : MemorySegment.ofArray(data);
    }

    /** Element {@code i} (row-major flat index) as a float, whatever the stored dtype. */
    public float getFloat(long i) {
        if (data != null) return data[Math.toIntExact(i)];
        return switch (dtype) {
            case F32 -> segment.get(F32_LE, i * 4);
            case BF16 -> Float16s.bf16ToFloat(segment.get(I16_LE, i * 2));
            case F16 -> Float.float16ToFloat(segment.get(I16_LE, i * 2));
            default -> throw new IllegalStateException("unreachable: " + dtype);
        };
    }

    /** A fresh F32 copy of the contents. */
    public float[] toFloatArray() {
        if (data != null) return data.clone();
        float[] out = new float[Math.toIntExact(size())];
        for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        return out;
    }

    // ---- autodiff state -------------------------------------------------------------------------

    /** Marks this tensor as a leaf whose gradient the tape computes. Only owned F32 tensors qualify. */
    public Tensor requiresGrad(boolean on) {
        if (on && data == null) throw new IllegalStateException("a read-only " + dtype + " view cannot require gradients");
        this.requiresGrad = on;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient (same shape, F32), or null if none has reached this tensor. */
    public float[] grad() {
        return grad;
    }

    /** The gradient buffer, allocated (zeroed) on first use; backward passes accumulate into it. */
    public float[] gradBuffer() {
        if (grad == null) grad = new float[Math.toIntExact(size())];
        return grad;
    }

    public void zeroGrad() {
        grad = null;
    }

    @Override
    public String toString() {
        String head = "Tensor" + shape + " " + dtype + (data == null ? " view" : "");
        if (size() <= 8) {
            float[] v = toFloatArray();
            return head + " " + Arrays.toString(v);
        }
        return head;
    }
}
