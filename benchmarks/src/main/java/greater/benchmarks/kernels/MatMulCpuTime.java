// MatMul and the vector FMA peak timed in CPU seconds of one thread, alternating, for a machine
// shared with other work (where wall-clock GFLOP/s measure the neighbours more than the code).
//   M = rows of x (tokens), K = input features, N = output features; GFLOP/s = 2·M·K·N / CPU time.
package greater.benchmarks.kernels;

import greater.tensor.DType;
import greater.tensor.Float16s;
import greater.tensor.kernels.MatMul;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Per shape, dtype and op (forward, input gradient): after a warm-up of 0.5 CPU-seconds, ROUNDS rounds of (the product
 * for ≥ 0.1 s of CPU, best of 3; the FMA peak of {@link MachineBenchmark#fmaPeak}'s 12 chains, best
 * of 2), each timed by the thread's CPU clock; prints one JSON line per case with the medians and
 * the median of the per-round fractions of the peak. Run with {@code -Dgreater.threads=1} (the
 * calling thread does all the work, so its CPU clock is the whole cost):
 * {@code java --add-modules jdk.incubator.vector -Dgreater.threads=1 -cp benchmarks/target/benchmarks.jar
 * greater.benchmarks.kernels.MatMulCpuTime [shapes] [dtypes] [ops] [rounds]}.
 */
public final class MatMulCpuTime {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ThreadMXBean CLOCK = ManagementFactory.getThreadMXBean();
    private static final int FMA_ITERATIONS = 2_000_000;
    private static double sink;

    private MatMulCpuTime() {
    }

    public static void main(String[] args) {
        String shapes = args.length > 0 ? args[0] : "1x2048x2048,16x2048x2048,64x2048x2048,256x576x1536,1024x576x1536";
        String dtypes = args.length > 1 ? args[1] : "F32,BF16,F16";
        String ops = args.length > 2 ? args[2] : "forward,inputGrad";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Random rnd = new Random(42);
        for (String shape : shapes.split(",")) {
            for (String dtype : dtypes.split(",")) {
                for (String op : ops.split(",")) run(rnd, shape, DType.valueOf(dtype), op, rounds);
            }
        }
    }

    private static void run(Random rnd, String shape, DType type, String op, int rounds) {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        float[] x = random(rnd, m * k), dy = random(rnd, m * n), out = new float[m * n], dx = new float[m * k];
        MemorySegment w = weights(rnd, n, k, type);
        Runnable product = switch (op) {
            case "forward" -> () -> MatMul.matmul(out, x, m, k, w, type, n);
            case "inputGrad" -> () -> MatMul.accumulateInputGrad(dx, dy, m, n, w, type, k);
            default -> throw new IllegalArgumentException("op " + op + " (forward, inputGrad)");
        };
        double flops = 2.0 * m * k * n;
        int reps = (int) Math.max(1, 1e8 / flops);
        // warm-up: 0.5 s of CPU at least, so C2 (slow to finish on a loaded machine) has compiled it
        for (long t0 = CLOCK.getCurrentThreadCpuTime(), i = 0; i < 10 || CLOCK.getCurrentThreadCpuTime() - t0 < 500_000_000L; i++) {
            product.run();
        }
        double[] rate = new double[rounds], peak = new double[rounds], fraction = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < 3; t++) {
                long t0 = CLOCK.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) product.run();
                rate[r] = Math.max(rate[r], flops * reps / (CLOCK.getCurrentThreadCpuTime() - t0));
            }
            for (int t = 0; t < 2; t++) peak[r] = Math.max(peak[r], fmaPeak());
            fraction[r] = rate[r] / peak[r];
        }
        System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"dtype\": \"%s\", \"op\": \"%s\", \"gflops_per_cpu_s\": %.1f,"
                        + " \"peak_per_cpu_s\": %.1f, \"fraction\": %.3f}%n", shape, type, op, median(rate), median(peak),
                median(fraction));
    }

    /** GFLOP per CPU-second of 12 independent FMA chains (MachineBenchmark.fmaPeak's loop). */
    private static double fmaPeak() {
        long t0 = CLOCK.getCurrentThreadCpuTime();
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-4f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < FMA_ITERATIONS; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        sink += c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
        return 12.0 * 2 * S.length() * FMA_ITERATIONS / (CLOCK.getCurrentThreadCpuTime() - t0);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    /** W [n,k] off-heap in its stored dtype, like a mapped safetensors file. */
    private static MemorySegment weights(Random rnd, int n, int k, DType type) {
        MemorySegment w = Arena.ofAuto().allocate((long) n * k * type.bytes, 64);
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
}
