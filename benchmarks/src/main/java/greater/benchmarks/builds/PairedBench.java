package greater.benchmarks.builds;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Two builds of greater in one JVM, their prefill and forward + input gradient (the workloads of
 * {@code greater bench}) alternated call by call: a paired comparison for a machine whose speed
 * drifts by ±10% between processes, where A/B pairs of whole processes cannot resolve a change
 * of a few percent. Each build is a jar with all of greater (the CLI's {@code greater.jar}) in a
 * class loader of its own, so each has its own statics: its own kernel thread pool, scratch
 * buffers and tape pools (only one pool works at a time; the other's helper parks). A round runs
 * prefill A, prefill B, gradient B, gradient A, and the next round the mirror image; the report
 * gives each side's median and best time and the median and quartiles of the per-round ratio B/A.
 * Each jar comes from {@code mvn -q package -pl cli,benchmarks -am -DskipTests} in its build's
 * checkout ({@code cli/target/greater.jar}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseG1GC \
 *     -XX:G1HeapRegionSize=4m -XX:GCTimeRatio=4 -cp benchmarks/target/benchmarks.jar \
 *     greater.benchmarks.builds.PairedBench A.jar B.jar MODEL_DIR [tokens=256] [rounds=30]
 * </pre>
 * Both models' weights are mapped from the same files (one copy in the page cache); each build
 * holds its own activations, so the heap needs about twice what one {@code bench} does.
 */
public final class PairedBench {
    private PairedBench() {
    }

    /** One build: its LanguageModel loaded through its own class loader, called by reflection. */
    private static final class Build {
        final String name;
        final Object transformer;
        final Method forward, embed, newCache, nextTokenLoss;
        final int vocab;

        Build(Path jar, Path model) throws ReflectiveOperationException, java.io.IOException {
            name = jar.getFileName().toString();
            var loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> lm = loader.loadClass("greater.transformer.LanguageModel");
            transformer = lm.getMethod("transformer").invoke(lm.getMethod("load", Path.class).invoke(null, model));
            Class<?> t = transformer.getClass();
            Class<?> tensor = loader.loadClass("greater.tensor.Tensor"), cache = loader.loadClass("greater.transformer.model.KvCache");
            forward = t.getMethod("forward", tensor, cache, boolean.class);
            embed = t.getMethod("embed", int[].class);
            newCache = t.getMethod("newCache", int.class);
            nextTokenLoss = loader.loadClass("greater.transformer.grad.InputGradient").getMethod("nextTokenLoss", t, int[].class);
            Object config = t.getMethod("config").invoke(transformer);
            vocab = (int) config.getClass().getMethod("vocabSize").invoke(config);
        }

        /** Seconds of one prefill of ids (a forward pass filling a KV cache, logits of the last row). */
        double prefill(int[] ids) throws ReflectiveOperationException {
            long t0 = System.nanoTime();
            forward.invoke(transformer, embed.invoke(transformer, (Object) ids), newCache.invoke(transformer, ids.length), false);
            return (System.nanoTime() - t0) / 1e9;
        }

        /** Seconds of one forward + input gradient of the next-token loss over ids. */
        double grad(int[] ids) throws ReflectiveOperationException {
            long t0 = System.nanoTime();
            nextTokenLoss.invoke(null, transformer, ids);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 5) {
            System.err.println("usage: PairedBench A.jar B.jar MODEL_DIR [tokens=256] [rounds=30]");
            System.exit(2);
        }
        Path a = Path.of(args[0]), b = Path.of(args[1]), model = Path.of(args[2]);
        for (Path p : new Path[]{a, b}) {
            if (!Files.isRegularFile(p)) fail(p + ": no such jar");
        }
        if (!Files.isRegularFile(model.resolve("config.json"))) fail(model + ": no config.json");
        int tokens = args.length > 3 ? positive(args[3], "tokens") : 256;
        int rounds = args.length > 4 ? positive(args[4], "rounds") : 30;
        Build[] builds = {build(a, model), build(b, model)};
        int[] ids = new Random(1234).ints(Math.max(2, tokens), 0, builds[0].vocab).toArray();
        for (int w = 0; w < 3; w++) { // warm-up: the JIT compiles both builds' kernels
            for (Build build : builds) {
                build.prefill(ids);
                build.grad(ids);
            }
        }
        double[][] prefill = new double[2][rounds], grad = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            // A B B A in even rounds, B A A B in odd ones: a drift within a round favours neither
            for (int i = 0; i < 2; i++) {
                int side = (r + i) % 2;
                prefill[side][r] = builds[side].prefill(ids);
            }
            for (int i = 0; i < 2; i++) {
                int side = (r + i + 1) % 2;
                grad[side][r] = builds[side].grad(ids);
            }
        }
        System.out.printf(Locale.ROOT, "A = %s, B = %s, %s, %d tokens, %d rounds; %s%n", builds[0].name, builds[1].name,
                model.getFileName(), ids.length, rounds, Runtime.version());
        report("prefill", prefill);
        report("grad", grad);
    }

    /** One build, or exit 2 with a line naming the jar or the model folder. */
    private static Build build(Path jar, Path model) {
        try {
            return new Build(jar, model);
        } catch (InvocationTargetException e) {
            throw fail(model + ": " + jar.getFileName() + " cannot load it: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw fail(jar + ": not a jar with all of greater (the CLI's greater.jar): " + e);
        } catch (java.io.IOException e) {
            throw fail(jar + ": " + e.getMessage());
        }
    }

    private static void report(String what, double[][] t) {
        int n = t[0].length;
        double[] ratio = new double[n];
        for (int r = 0; r < n; r++) ratio[r] = t[1][r] / t[0][r];
        Arrays.sort(ratio);
        double[] sa = t[0].clone(), sb = t[1].clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        System.out.printf(Locale.ROOT, "%-8s A median %.4f s (best %.4f)  B median %.4f s (best %.4f)  B/A per round: median %.3f, quartiles %.3f-%.3f%n",
                what, sa[n / 2], sa[0], sb[n / 2], sb[0], ratio[n / 2], ratio[n / 4], ratio[3 * n / 4]);
    }

    private static int positive(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v > 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw fail(what + " must be a positive integer, got " + s);
    }

    private static RuntimeException fail(String message) {
        System.err.println("PairedBench: " + message);
        System.exit(2);
        return new IllegalStateException(message);
    }
}
