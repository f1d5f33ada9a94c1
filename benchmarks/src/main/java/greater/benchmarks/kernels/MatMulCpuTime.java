// MatMul and the vector FMA peak timed in CPU seconds of one thread, alternating, for a machine
// shared with other work (where wall-clock GFLOP/s measure the neighbours more than the code).
//   M = rows of x (tokens), K = input features, N = output features; GFLOP/s = 2·M·K·N / CPU time.
package greater.benchmarks.kernels;

import greater.tensor.DType;
import greater.tensor.kernels.MatMul;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
    private static final ThreadMXBean CLOCK = ManagementFactory.getThreadMXBean();
    private static double sink;

    private MatMulCpuTime() {
    }

    public static void main(String[] args) {
        String shapes = args.length > 0 ? args[0] : "1x2048x2048,8x2048x2048,16x2048x2048,32x2048x2048,64x2048x2048,256x576x1536,1024x576x1536";
        String dtypes = args.length > 1 ? args[1] : "F32,BF16,F16";
        String ops = args.length > 2 ? args[2] : "forward,inputGrad";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Random rnd = new Random(42);
        for (int i = 0; i < 3; i++) fmaPeak(); // compiled before it is measured
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
        MemorySegment w = MatMulBenchmark.weights(Arena.ofAuto(), rnd, n, k, type);
        Runnable product = switch (op) {
            case "forward" -> () -> MatMul.matmul(out, x, m, k, w, type, n);
            case "inputGrad" -> () -> MatMul.inputGrad(dx, dy, m, n, w, type, k, true);
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

    /** GFLOP per CPU-second of {@link MachineBenchmark#fmaChains}, the 12 independent FMA chains. */
    private static double fmaPeak() {
        long t0 = CLOCK.getCurrentThreadCpuTime();
        sink += MachineBenchmark.fmaChains();
        return (double) MachineBenchmark.FMA_FLOPS_PER_WORKER / (CLOCK.getCurrentThreadCpuTime() - t0);
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
}
