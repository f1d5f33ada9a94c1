package greater.benchmarks.tokenizer;

import greater.transformer.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tokenizer speed on the real tokenizers in {@code ../shared/tokenizers} (or
 * {@code -Dgreater.tokenizers=DIR}): single-threaded encoding of English prose ({@link Prose}) in
 * bytes per second, and the cold load time of a tokenizer.json.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TokenizerBenchmark.encode -p tokenizer=gemma3
 * java -jar benchmarks/target/benchmarks.jar TokenizerBenchmark.load -p tokenizer=gemma3
 * </pre>
 * The {@code bytes} secondary result of {@code encode} is the encoding speed in bytes/s. The HF
 * tokenizers figure on the same text comes from
 * {@code transformer/reference/tokenizer_fixtures.py --bench CORPUS} with the corpus written by
 * {@code Prose.main}.
 */
@State(Scope.Benchmark)
@Threads(1)
public class TokenizerBenchmark {
    @Param({"llama3", "llama2", "qwen3", "gemma3"})
    public String tokenizer;

    /** Size of the prose corpus encoded per operation. */
    @Param({"262144"})
    public int corpusBytes;

    private Tokenizer tok;
    private String text;
    private long textBytes;

    /** Bytes encoded, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Throughput {
        public long bytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        text = Prose.corpus(corpusBytes);
        textBytes = text.getBytes(StandardCharsets.UTF_8).length;
        tok = Tokenizer.load(folder(tokenizer));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
    public int[] encode(Throughput counter) {
        int[] ids = tok.encode(text, false, true).ids();
        counter.bytes += textBytes;
        return ids;
    }

    /** Cold load: one shot per fresh JVM. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 5, jvmArgsAppend = {"-Xmx4g"})
    public Tokenizer load() {
        return Tokenizer.load(folder(tokenizer));
    }

    static Path folder(String name) {
        String configured = System.getProperty("greater.tokenizers");
        if (configured != null) {
            return Path.of(configured, name);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("tokenizers").resolve(name);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/tokenizers/" + name + " above " + Path.of("").toAbsolutePath()
                + "; set -Dgreater.tokenizers=DIR");
    }
}
