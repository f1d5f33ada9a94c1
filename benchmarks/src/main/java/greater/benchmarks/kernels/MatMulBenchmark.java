// JMH timing of MatMul.matmul and its input gradient on the shapes torch_linear.py times.
//   M = rows of x (tokens), K = input features, N = output features; GFLOP/s = 2·M·K·N / time.
package greater.benchmarks.kernels;

import greater.tensor.DType;
import greater.tensor.Float16s;
import greater.tensor.kernels.MatMul;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Weights live off-heap like a memory-mapped safetensors file. Run with
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MatMulBenchmark}
 * and convert with {@code benchmarks/scripts/jmh_gflops.py}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class MatMulBenchmark {
    /**
     * M x K x N: one-sequence decode (M = 1), batched decode or a short gradient (8 to 32), and prefill
     * or the gradient of a sequence (64 to 1024 tokens) on Llama-3.2-1B and SmolLM2-135M widths.
     */
    @Param({"1x2048x2048", "8x2048x2048", "16x2048x2048", "32x2048x2048", "64x2048x2048", "256x576x1536", "1024x576x1536"})
    public String shape;

    @Param({"F32", "BF16", "F16"})
    public String dtype;

    private int m, k, n;
    private DType type;
    private float[] x, out, dy, dx;
    private MemorySegment w;
    private Arena arena;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        type = DType.valueOf(dtype);
        Random rnd = new Random(42);
        x = new float[m * k];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 2 - 1;
        out = new float[m * n];
        dy = new float[m * n];
        for (int i = 0; i < dy.length; i++) dy[i] = rnd.nextFloat() * 2 - 1;
        dx = new float[m * k];
        arena = Arena.ofShared();
        w = weights(arena, rnd, n, k, type);
    }

    /** W [n,k] off-heap in its stored dtype, like a mapped safetensors file (values in ±0.05). */
    static MemorySegment weights(Arena arena, Random rnd, int n, int k, DType type) {
        MemorySegment w = arena.allocate((long) n * k * type.bytes, 64);
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < (long) n * k; i++) {
            float v = (rnd.nextFloat() * 2 - 1) * 0.05f;
            switch (type) {
                case F32 -> w.set(f32, i * 4, v);
                case BF16 -> w.set(i16, i * 2, Float16s.floatToBf16(v));
                case F16 -> w.set(i16, i * 2, Float.floatToFloat16(v));
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return w;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        MatMul.matmul(out, x, m, k, w, type, n);
        return out;
    }

    /** dx += dy·W, the backward of the same product (what a prompt gradient runs per linear layer). */
    @Benchmark
    public float[] inputGrad() {
        MatMul.inputGrad(dx, dy, m, n, w, type, k, true);
        return dx;
    }
}
