package greater.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.SettingException;
import greater.tensor.kernels.Parallel;
import greater.tensor.kernels.VectorApi;
import greater.transformer.LanguageModel;
import greater.transformer.grad.InputGradient;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;

/**
 * {@code greater bench}: the three workloads GReaTer runs all the time, on random token ids:
 * prefill of N tokens, forward + gradient w.r.t. the input embeddings of N tokens (mean
 * next-token cross-entropy; the gradient is what it returns, no copy of the logits, as the
 * PyTorch script keeps none), and greedy decoding of N tokens after an 8-token prompt.
 * Each workload first runs untimed for {@code --warmup} seconds (at least once) and then until a
 * run passes with the JIT compiler quiet (under {@link #QUIET_JIT} of the run's time spent compiling,
 * at most {@link #MAX_QUIET_RUNS} runs more), so that the timed runs see compiled kernels: on two
 * cores the compiler threads otherwise share the CPU with them, and the first gradient pass alone
 * (4 s of it compiling) used to fill the whole 2-second warm-up, leaving the next passes, still
 * compiling 30–360 ms each, to be timed (benchmarks/README.md, "Issue 16, ninth pass"). Then the median of
 * {@code --repeats} runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time prefill, forward+input-gradient and greedy decode on random ids.")
public final class BenchCommand implements Callable<Integer> {
    /** A warm-up run with compile time under this share of its own time ends the warm-up. */
    public static final double QUIET_JIT = 0.02;
    /** Warm-up runs past {@code --warmup} seconds at most, waiting for a quiet JIT. */
    public static final int MAX_QUIET_RUNS = 10;

    @Mixin
    ModelOption model;
    @Option(names = "--prefill", defaultValue = "256", paramLabel = "N", description = "Prefill length (0 = skip; default: ${DEFAULT-VALUE}).")
    int prefill;
    @Option(names = "--grad", defaultValue = "256", paramLabel = "N", description = "Forward+gradient length (0 = skip; default: ${DEFAULT-VALUE}).")
    int grad;
    @Option(names = "--decode", defaultValue = "64", paramLabel = "N", description = "Tokens to decode (0 = skip; default: ${DEFAULT-VALUE}).")
    int decode;
    @Option(names = "--repeats", defaultValue = "3", paramLabel = "R", description = "Timed runs per workload, the median reported (default: ${DEFAULT-VALUE}).")
    int repeats;
    @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS",
            description = "Untimed runs of each workload before the timed ones, for at least this long (at least one run) and until the JIT compiler is quiet (default: ${DEFAULT-VALUE}).")
    double warmup;
    @Option(names = "--json", description = "One JSON line with the timings, peak RSS and the run settings (warmup_seconds, repeats, each workload's warm-up runs).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SettingException.atLeast("--prefill", prefill, 0);
        SettingException.atLeast("--grad", grad, 0);
        SettingException.atLeast("--decode", decode, 0);
        SettingException.atLeast("--repeats", repeats, 1);
        if (!(warmup >= 0 && warmup < 3600)) throw new SettingException("--warmup", "must be seconds in [0, 3600), got " + warmup);
        try (LanguageModel lm = model.load()) {
            Transformer m = lm.transformer();
            Random rnd = new Random(1234);
            int vocab = m.config().vocabSize();
            Map<String, Object> out = new LinkedHashMap<>();
            if (prefill > 0) {
                int[] ids = rnd.ints(prefill, 0, vocab).toArray();
                Timing t = timing(() -> time(() -> {
                    KvCache cache = m.newCache(prefill);
                    m.forward(m.embed(ids), cache, false);
                }));
                out.put("prefill_seconds", t.median());
                out.put("prefill_warmup_runs", t.warmupRuns());
            }
            if (grad > 0) {
                int[] ids = rnd.ints(Math.max(2, grad), 0, vocab).toArray();
                Timing t = timing(() -> time(() -> InputGradient.nextTokenLoss(m, ids, false)));
                out.put("grad_seconds", t.median());
                out.put("grad_warmup_runs", t.warmupRuns());
            }
            if (decode > 0) {
                int[] prompt = rnd.ints(8, 0, vocab).toArray();
                var opts = GenerationOptions.greedy(decode, Set.of());
                Timing t = timing(() -> {
                    KvCache cache = m.newCache(prompt.length + decode + 1);
                    m.forward(m.embed(prompt), cache, false);
                    int[] next = {prompt[prompt.length - 1]};
                    cache.truncate(prompt.length - 1);
                    return time(() -> lm.generator().continueFrom(cache, next, opts));
                });
                out.put("decode_tokens_per_second", decode / t.median());
                out.put("decode_warmup_runs", t.warmupRuns());
            }
            out.put("peak_rss_bytes", peakRss());
            out.put("warmup_seconds", warmup);
            out.put("repeats", repeats);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else {
                System.out.println("machine: JDK " + Runtime.version() + ", " + VectorApi.describe()
                        + ", " + Parallel.THREADS + " threads; weights " + lm.weightDtype());
                out.forEach((k, v) -> System.out.println(String.format(Locale.ROOT, "%-26s %s", k, v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v)));
            }
        }
        return 0;
    }

    /** A workload's median time over the timed runs (seconds) and how many untimed runs came first. */
    private record Timing(double median, int warmupRuns) {
    }

    /** Warms {@code run} up as the class comment says, then times {@code --repeats} runs of it. */
    private Timing timing(DoubleSupplier run) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        double spent = 0;
        int runs = 0, pastSeconds = 0;
        while (true) { // at least one untimed run
            // the JIT's share of the whole call: a run may time only part of it (decode: not its prompt)
            long compiling = watchJit ? jit.getTotalCompilationTime() : 0, start = System.nanoTime();
            spent += run.getAsDouble();
            double call = (System.nanoTime() - start) / 1e9;
            compiling = watchJit ? jit.getTotalCompilationTime() - compiling : 0;
            runs++;
            if (spent < warmup) continue;
            if (compiling / 1e3 <= QUIET_JIT * call || ++pastSeconds > MAX_QUIET_RUNS) break;
        }
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) t[i] = run.getAsDouble();
        Arrays.sort(t);
        return new Timing(t[repeats / 2], runs);
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** VmHWM from /proc/self/status (Linux), else -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
