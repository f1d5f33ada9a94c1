package greater.tensor.kernels;

import greater.tensor.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The choice between the Vector API kernels and their scalar twins, made in fresh JVMs: with the
 * module, without it (plain {@code java}), and with it disabled by {@code -Dgreater.vector=false}.
 * Each child runs a few kernels and prints their results; the scalar runs must agree with the
 * vector run at the kernel tests' tolerances and say so once on stderr.
 */
class VectorApiTest {

    @Test
    void thisJvmUsesTheVectorApiExactlyWhenItIsThere() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = "false".equals(System.getProperty(VectorApi.PROPERTY));
        assertEquals(module && !disabled, VectorApi.ENABLED, VectorApi.describe());
        // the build's scalar-kernels execution must really run without the Vector API
        if (Boolean.getBoolean("greater.test.expectScalar")) assertEquals(false, VectorApi.ENABLED, VectorApi.describe());
    }

    @Test
    void childJvmsChooseAndAnnounceTheScalarKernels() throws Exception {
        Child vector = run("--add-modules", "jdk.incubator.vector");
        Child absent = run();
        Child disabled = run("--add-modules", "jdk.incubator.vector", "-D" + VectorApi.PROPERTY + "=false");

        assertEquals("true", vector.stdout.get(0), vector.toString());
        assertTrue(vector.notices().isEmpty(), vector.toString());

        assertEquals("false", absent.stdout.get(0), absent.toString());
        assertEquals(1, absent.notices().size(), absent.toString());
        assertTrue(absent.notices().get(0).contains("--add-modules jdk.incubator.vector"), absent.toString());

        assertEquals("false", disabled.stdout.get(0), disabled.toString());
        assertEquals(1, disabled.notices().size(), disabled.toString());
        assertTrue(disabled.notices().get(0).contains("-Dgreater.vector=false"), disabled.toString());

        for (Child scalar : List.of(absent, disabled)) {
            for (int line = 1; line < vector.stdout.size(); line++) {
                float[] expected = parse(vector.stdout.get(line)), actual = parse(scalar.stdout.get(line));
                KernelTesting.assertClose(expected, actual, 1e-5, 1e-5, "kernel " + line + " of " + scalar);
            }
        }
    }

    /** Child JVM body: prints VectorApi.ENABLED, then the results of a few kernels on fixed inputs. */
    public static void main(String[] args) {
        System.out.println(VectorApi.ENABLED);
        Random rnd = new Random(5);
        int m = 19, k = 37, n = 23;
        float[] x = KernelTesting.random(rnd, m * k), w = KernelTesting.random(rnd, n * k);
        MemorySegment seg = KernelTesting.segment(w, DType.BF16);
        float[] out = new float[m * n];
        MatMul.matmul(out, x, m, k, seg, DType.BF16, n);
        System.out.println(Arrays.toString(out));
        float[] dx = new float[m * k];
        MatMul.inputGrad(dx, out, m, n, seg, DType.BF16, k, true);
        System.out.println(Arrays.toString(dx));
        float[] y = new float[m * k];
        Norms.rmsNorm(y, x, m, k, KernelTesting.segment(w, DType.F32), DType.F32, 1e-6f, false, null);
        System.out.println(Arrays.toString(y));
        float[] a = new float[m * k];
        Activations.gatedSilu(a, x, y, m * k);
        System.out.println(Arrays.toString(a));
    }

    private record Child(List<String> command, List<String> stdout, List<String> stderr) {
        List<String> notices() {
            return stderr.stream().filter(l -> l.startsWith("greater:")).toList();
        }
    }

    private static Child run(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorApiTest.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + cmd);
        Child c = new Child(cmd, new String(out, StandardCharsets.UTF_8).lines().toList(),
                new String(err, StandardCharsets.UTF_8).lines().toList());
        assertEquals(0, p.exitValue(), c.toString());
        return c;
    }

    private static float[] parse(String line) {
        String[] parts = line.substring(1, line.length() - 1).split(", ");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i]);
        return v;
    }
}
