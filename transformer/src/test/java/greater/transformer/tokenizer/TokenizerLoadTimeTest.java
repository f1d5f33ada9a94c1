package greater.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loading the 33 MB Gemma-3 tokenizer.json (262k tokens, 515k merges) must take under 2 s. The
 * assertion uses this thread's CPU time, which a busy machine inflates far less than wall time
 * (both are printed), and allows one retry so that a machine busy enough to slow even that does
 * not fail the build. TokenizerBenchmark.load measures cold-JVM wall time.
 */
class TokenizerLoadTimeTest {
    @Test
    void gemma3LoadsUnderTwoSeconds() {
        Path folder = SharedTokenizers.folder("gemma3");
        double best = Double.MAX_VALUE;
        for (int attempt = 1; attempt <= 2 && best >= 2.0; attempt++) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            Tokenizer tok = Tokenizer.load(folder);
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            double wallSeconds = (System.nanoTime() - wall) / 1e9;
            System.out.printf("gemma3 tokenizer.json (attempt %d): loaded %d ids in %.2f s wall, %.2f s CPU%n",
                    attempt, tok.vocabSize(), wallSeconds, cpuSeconds);
            best = Math.min(best, cpuSeconds);
        }
        assertTrue(best < 2.0, "loading took " + best + " s of CPU");
    }
}
