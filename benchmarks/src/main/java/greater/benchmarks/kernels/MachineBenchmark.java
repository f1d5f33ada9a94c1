// JMH measurement of the machine's roofline: how fast memory can be read and how many flops the
// vector units retire, on one thread and on all of Parallel's threads. Every speed target is
// judged against these two numbers: decode reads every weight once per token (time >= weight
// bytes / read bandwidth), prefill and the gradient are matmuls (time >= flops / peak).
//   jmh_gflops.py prints "GB/s" for the read benchmarks and "GFLOP/s" for fmaPeak.
package greater.benchmarks.kernels;

import greater.tensor.DType;
import greater.tensor.kernels.Parallel;
import greater.tensor.kernels.Weights;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * {@code readF32}: sums a 1 GiB off-heap buffer as floats (far larger than any cache, so it is
 * DRAM bandwidth). {@code readBf16}: converts the same bytes as bf16 to floats in 4 KiB pieces
 * through {@link Weights#read}, the path every bf16 weight takes into the matmuls (decode's
 * ceiling); {@code readMappedBf16} the same from a mapped file, as the weights are.
 * {@code fmaPeak}: 12 independent vector FMA chains (enough to cover the FMA latency on both
 * pipes), {@value #FMA_FLOPS_PER_WORKER} flops per worker whatever the vector length.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class MachineBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final long BYTES = 1L << 30;
    /** 12 chains × lanes × 2 (multiply + add) × iterations; jmh_gflops.py relies on this value. */
    static final long FMA_FLOPS_PER_WORKER = 3_840_000_000L;
    static final int FMA_ITERATIONS = (int) (FMA_FLOPS_PER_WORKER / (12L * 2 * S.length()));
    /** The read benchmarks' work items: 1 MiB blocks of the buffer. */
    static final int BLOCK = 1 << 20;

    /** 1 = the calling thread alone; more = that many workers over Parallel's threads. */
    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private MemorySegment buffer, mapped;
    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        arena = Arena.ofShared();
        buffer = arena.allocate(BYTES, 64);
        // touch every page with small bf16-like values so reads are real and finite
        buffer.fill((byte) 0x3c);
        // the same bytes as a file mapped read-only, the way model weights are read (page cache)
        file = Files.createTempFile("greater-machine", ".bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = buffer.asByteBuffer();
            while (bytes.hasRemaining()) ch.write(bytes, bytes.position());
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, BYTES, arena);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        arena.close();
        Files.deleteIfExists(file);
    }

    private void split(int n, Parallel.RangeBody body) {
        if (threads == 1) body.run(0, n);
        else Parallel.forRange(n, 1, body);
    }

    @Benchmark
    public double readF32() {
        DoubleAdder total = new DoubleAdder();
        split((int) (BYTES / BLOCK), (b0, b1) -> {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int step = S.vectorByteSize();
            for (long at = (long) b0 * BLOCK, end = (long) b1 * BLOCK; at < end; at += 4L * step) {
                a0 = a0.add(FloatVector.fromMemorySegment(S, buffer, at, ByteOrder.LITTLE_ENDIAN));
                a1 = a1.add(FloatVector.fromMemorySegment(S, buffer, at + step, ByteOrder.LITTLE_ENDIAN));
                a2 = a2.add(FloatVector.fromMemorySegment(S, buffer, at + 2L * step, ByteOrder.LITTLE_ENDIAN));
                a3 = a3.add(FloatVector.fromMemorySegment(S, buffer, at + 3L * step, ByteOrder.LITTLE_ENDIAN));
            }
            total.add(a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD));
        });
        return total.sum();
    }

    @Benchmark
    public double readBf16() {
        return convertBf16(buffer);
    }

    /** readBf16 from a memory-mapped file: 4 KiB pages, where anonymous memory may get huge pages. */
    @Benchmark
    public double readMappedBf16() {
        return convertBf16(mapped);
    }

    private double convertBf16(MemorySegment source) {
        DoubleAdder total = new DoubleAdder();
        int piece = 2048; // bf16 values per Weights.read (4 KiB): one row of a 2048-wide weight
        split((int) (BYTES / BLOCK), (b0, b1) -> {
            float[] f = new float[piece];
            float sum = 0;
            for (long at = (long) b0 * BLOCK, end = (long) b1 * BLOCK; at < end; at += 2L * piece) {
                Weights.read(f, 0, source, DType.BF16, at / 2, piece);
                sum += f[piece - 1];
            }
            total.add(sum);
        });
        return total.sum();
    }

    @Benchmark
    public double fmaPeak() {
        DoubleAdder total = new DoubleAdder();
        split(threads, (w0, w1) -> {
            for (int w = w0; w < w1; w++) total.add(fmaChains());
        });
        return total.sum();
    }

    /** The 12 chains for FMA_ITERATIONS steps: {@value #FMA_FLOPS_PER_WORKER} flops. */
    static double fmaChains() {
        FloatVector x = FloatVector.broadcast(S, 0.999f), y = FloatVector.broadcast(S, 1e-4f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < FMA_ITERATIONS; i++) {
            c0 = c0.fma(x, y); c1 = c1.fma(x, y); c2 = c2.fma(x, y); c3 = c3.fma(x, y);
            c4 = c4.fma(x, y); c5 = c5.fma(x, y); c6 = c6.fma(x, y); c7 = c7.fma(x, y);
            c8 = c8.fma(x, y); c9 = c9.fma(x, y); c10 = c10.fma(x, y); c11 = c11.fma(x, y);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
