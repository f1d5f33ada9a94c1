// JMH timing of the non-matmul kernels at one transformer layer's sizes.
//   T = tokens, D = model width, H/KV = query/key-value heads, HD = head dim, V = vocabulary.
package greater.benchmarks.kernels;

import greater.tensor.kernels.Attention;
import greater.tensor.kernels.CrossEntropy;
import greater.tensor.kernels.Norms;
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
import org.openjdk.jmh.annotations.Warmup;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Qwen2.5-0.5B-like layer: D = 896, 14 query heads, 2 kv heads, head dim 64, vocabulary 151936. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class KernelsBenchmark {
    @Param({"256"})
    public int tokens;

    static final int D = 896, H = 14, KV = 2, HD = 64, V = 32000;

    private float[] x, out, rstd, w, q, k, v, attn, probs, dq, dk, dv, logits, rowLoss;
    private int[] targets;
    private MemorySegment wSeg;
    private Attention.Extent extent;
    private static final Attention.Spec spec = new Attention.Spec(H, KV, HD, 0.125f, 0f, 0);

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(7);
        x = fill(rnd, tokens * D);
        out = new float[tokens * D];
        rstd = new float[tokens];
        w = fill(rnd, D);
        wSeg = MemorySegment.ofArray(w);
        q = fill(rnd, tokens * H * HD);
        k = fill(rnd, tokens * KV * HD);
        v = fill(rnd, tokens * KV * HD);
        attn = new float[tokens * H * HD];
        probs = new float[H * tokens * tokens];
        dq = new float[q.length];
        dk = new float[k.length];
        dv = new float[v.length];
        logits = fill(rnd, tokens * V);
        rowLoss = new float[tokens];
        targets = new int[tokens];
        for (int i = 0; i < tokens; i++) targets[i] = rnd.nextInt(V);
        extent = new Attention.Extent(tokens, tokens, 0);
        Attention.causalAttention(attn, probs, q, k, v, extent, spec);
    }

    private static float[] fill(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    @Benchmark
    public float[] rmsNorm() {
        Norms.rmsNorm(out, x, tokens, D, wSeg, DType.F32, 1e-6f, false, rstd);
        return out;
    }

    @Benchmark
    public float[] rmsNormScalar() {
        Norms.rmsNormScalar(out, x, tokens, D, wSeg, DType.F32, 1e-6f, false, rstd);
        return out;
    }

    @Benchmark
    public float crossEntropy() {
        return CrossEntropy.crossEntropyRows(rowLoss, null, logits, tokens, V, targets);
    }

    @Benchmark
    public float[] attention() {
        Attention.causalAttention(attn, probs, q, k, v, extent, spec);
        return attn;
    }

    @Benchmark
    public float[] attentionScalar() {
        Attention.causalAttentionScalar(attn, probs, q, k, v, extent, spec);
        return attn;
    }

    @Benchmark
    public float[] attentionBackward() {
        Attention.causalAttentionBackward(dq, dk, dv, attn, null, q, k, v, extent, spec);
        return dq;
    }
}
