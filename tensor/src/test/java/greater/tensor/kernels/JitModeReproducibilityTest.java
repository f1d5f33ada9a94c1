package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API kernels give the same bits whether the JVM interprets them ({@code -Xint}: the
 * Vector API's Java fallback) or runs them compiled by C2 with the Vector API's intrinsics
 * ({@code -XX:-TieredCompilation -Xbatch}, after warm-up passes). Two runs of one program mix these
 * modes depending on JIT and thread timing, so this is what makes two runs bitwise identical. Each
 * child prints the float bits of every kernel's output as one hash per kernel; the two children
 * must agree on all of them. As a control, each child also hashes the Vector API's own
 * {@code reduceLanes(ADD)} and {@code lanewise(EXP)} on the same data, the operations the kernels no
 * longer use: on x86-64, C2 sums in a tree and calls SVML where the fallback sums lane by lane and
 * calls Math.exp, so the control must differ there, which shows the second child really ran C2's
 * intrinsics. (The kernels before VectorMath differed in 13 of the 20 hashes.) About 7 s.
 */
class JitModeReproducibilityTest {
    private static final String CONTROL = "control ";
    /** Whether the current pass prints (the child's only state, set per pass). */
    private static final boolean[] SHOW = {false};

    @Test
    void kernelsGiveTheSameBitsInterpretedAndCompiled() throws Exception {
        Map<String, String> interpreted = run(1, "-Xint");
        // C2 only, compiling in the foreground once a method has run 200 times: 300 passes leave the
        // last ones all compiled (-Xcomp instead compiles before classes are loaded and falls back to
        // the interpreter at the first uncommon trap)
        Map<String, String> compiled = run(300, "-XX:-TieredCompilation", "-Xbatch", "-XX:CompileThreshold=200");
        assertEquals(interpreted.keySet(), compiled.keySet());
        List<String> differing = new ArrayList<>();
        for (String name : interpreted.keySet()) {
            if (!interpreted.get(name).equals(compiled.get(name))) differing.add(name);
        }
        assertEquals(List.of(), differing.stream().filter(n -> !n.startsWith(CONTROL)).toList(),
                "kernels whose bits differ between -Xint and C2");
        if ("amd64".equals(System.getProperty("os.arch"))) {
            assertTrue(differing.contains(CONTROL + "reduceLanes(ADD)"),
                    "the control reduceLanes(ADD) gave the same bits in both children: C2 did not compile them");
        }
    }

    /**
     * Child JVM body: runs the kernels args[0] times on the same inputs and prints, for the last
     * time, one line "name hash" per kernel output and per control.
     */
    public static void main(String[] args) {
        int passes = Integer.parseInt(args[0]);
        for (int pass = 1; pass <= passes; pass++) kernels(pass == passes);
    }

    private static void kernels(boolean show) {
        SHOW[0] = show;
        Random rnd = new Random(17);
        int m = 9, k = 67, n = 23;
        float[] x = KernelTesting.random(rnd, 20 * k), w = KernelTesting.random(rnd, n * k);
        MemorySegment bf16 = KernelTesting.segment(w, DType.BF16), f32 = KernelTesting.segment(w, DType.F32);
        for (int rows : new int[]{1, 3, m, 20}) {
            for (DType type : new DType[]{DType.BF16, DType.F32}) {
                float[] out = new float[rows * n];
                MatMul.matmul(out, x, rows, k, type == DType.BF16 ? bf16 : f32, type, n);
                print("matmul " + rows + "x" + k + "x" + n + " " + type, out);
            }
        }
        float[] dx = new float[m * k];
        MatMul.inputGrad(dx, x, m, n, bf16, DType.BF16, k, true);
        print("matmul input grad", dx);
        // F16 weights (packed through WeightsVector.f16), two of them subnormal in f16
        float[] wSmall = w.clone();
        wSmall[5] = 3e-6f;
        wSmall[40] = -6e-8f;
        float[] dx16 = new float[m * k];
        MatMul.inputGrad(dx16, x, m, n, KernelTesting.segment(wSmall, DType.F16), DType.F16, k, true);
        print("matmul input grad F16", dx16);
        print("dot", new float[]{Elementwise.dot(x, 1, w, 2, 9 * k)});

        float[] y = new float[m * k];
        Norms.rmsNorm(y, x, m, k, f32, DType.F32, 1e-6f, false, null);
        print("rmsNorm", y);
        float[] rstd = new float[m];
        Norms.rmsNorm(y, x, m, k, f32, DType.F32, 1e-6f, false, rstd);
        float[] dNorm = new float[m * k];
        Norms.rmsNormBackward(dNorm, x, x, rstd, m, k, f32, DType.F32, false, null);
        print("rmsNorm backward", dNorm);

        float[] gate = KernelTesting.random(rnd, 301, 12f), up = KernelTesting.random(rnd, 301);
        float[] a = new float[301], dGate = new float[301], dUp = new float[301];
        Activations.gatedSilu(a, gate, up, 301);
        print("silu", a);
        Activations.gatedSiluBackward(dGate, dUp, up, gate, up, 301, true);
        print("silu backward", dGate, dUp);
        Activations.gatedGeluTanh(a, gate, up, 301);
        print("gelu tanh", a);
        Activations.softcap(a, gate, 301, 3f);
        print("softcap", a);

        int rows = 5, cols = 133;
        float[] logits = KernelTesting.random(rnd, rows * cols, 20f), rowLoss = new float[rows];
        logits[7] = Float.NEGATIVE_INFINITY; // a masked entry
        int[] targets = {3, 130, -1, 0, 64};
        float[] stats = new float[2 * rows];
        float loss = CrossEntropy.crossEntropyRows(rowLoss, stats, logits, rows, cols, targets);
        print("cross entropy", rowLoss, new float[]{loss});
        float[] dLogits = new float[rows * cols];
        CrossEntropy.crossEntropyBackward(dLogits, logits, stats, rows, cols, targets, new float[]{1, 2, 3, 4, 5});
        print("cross entropy backward", dLogits);

        int t = 11, heads = 2, dim = 19;
        float[] q = KernelTesting.random(rnd, t * heads * dim, 3f), kk = KernelTesting.random(rnd, t * dim, 3f),
                v = KernelTesting.random(rnd, t * dim);
        var extent = new Attention.Extent(t, t, 0);
        for (float softcap : new float[]{0f, 5f}) {
            var spec = new Attention.Spec(heads, 1, dim, 0.3f, softcap, 0);
            float[] out = new float[t * heads * dim], probs = new float[heads * t * t];
            Attention.causalAttention(out, probs, q, kk, v, extent, spec);
            print("attention softcap " + softcap, out, probs);
            float[] dq = new float[q.length], dk = new float[kk.length], dv = new float[v.length];
            Attention.causalAttentionBackward(dq, dk, dv, out, probs, q, kk, v, extent, spec);
            print("attention backward softcap " + softcap, dq, dk, dv);
        }

        controls(x);
    }

    /** The controls: the Vector API's own reduction and exponential on the same data. */
    private static void controls(float[] x) {
        float[] sums = new float[x.length / WeightsVector.L], exps = new float[x.length];
        for (int i = 0, j = 0; i + WeightsVector.L <= x.length; i += WeightsVector.L, j++) {
            FloatVector xv = FloatVector.fromArray(WeightsVector.F, x, i).mul(20f);
            sums[j] = xv.reduceLanes(VectorOperators.ADD);
            xv.lanewise(VectorOperators.EXP).intoArray(exps, i);
        }
        print(CONTROL + "reduceLanes(ADD)", sums);
        print(CONTROL + "lanewise(EXP)", exps);
    }

    /** Prints name and a hash of the float bits (NaNs canonical) of the arrays. */
    private static void print(String name, float[]... arrays) {
        if (!SHOW[0]) return;
        long h = 1125899906842597L;
        for (float[] a : arrays) {
            for (float f : a) h = 31 * h + Float.floatToIntBits(f);
        }
        System.out.println(name + "\t" + Long.toHexString(h));
    }

    private static Map<String, String> run(int passes, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dgreater.threads=2"));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JitModeReproducibilityTest.class.getName(),
                Integer.toString(passes)));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish: " + cmd);
        String stdout = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), cmd + "\n" + stdout + new String(err, StandardCharsets.UTF_8));
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String line : stdout.lines().toList()) {
            String[] parts = line.split("\t");
            hashes.put(parts[0], parts[1]);
        }
        return hashes;
    }
}
