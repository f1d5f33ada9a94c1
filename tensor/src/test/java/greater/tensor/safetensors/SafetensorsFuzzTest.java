package greater.tensor.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random corruption of a valid file (fixed seed): opening and reading every tensor must either
 * succeed or throw SafetensorsFormatException, never anything else, and quickly. One round in ten
 * goes through a real file; the rest through {@link SafetensorsFile#of}, which runs the same checks.
 */
class SafetensorsFuzzTest {
    private static final int ITERATIONS = 5000;
    private static final String JSONISH = "{}[],:\"0123456789-. eE\\";

    @TempDir
    Path dir;

    @Test
    void corruptedFilesFailOnlyWithFormatErrors() throws Exception {
        Path validFile = dir.resolve("valid.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .addF32("w", new float[]{1, 2, 3, 4, 5, 6}, 2, 3)
                .addBf16("b", new float[]{0.5f, -1f}, 2)
                .addI64("ids", new long[]{1, 2, 3}, 3)
                .addF32("s", new float[]{7})
                .write(validFile);
        byte[] valid = Files.readAllBytes(validFile);
        long headerLength = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();

        Random random = new Random(20240611);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            int opened = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] bytes = mutate(valid, random, (int) headerLength);
                // Most rounds parse from memory (same checks, no file system cost); some go to disk.
                boolean onDisk = i % 10 == 0;
                Path file = onDisk ? Files.write(dir.resolve("fuzz.safetensors"), bytes) : Path.of("fuzz.safetensors");
                try (SafetensorsFile f = onDisk ? SafetensorsFile.open(file)
                        : SafetensorsFile.of(file, MemorySegment.ofArray(bytes).asReadOnly())) {
                    opened++;
                    for (String name : f.names()) readFully(f, name);
                } catch (SafetensorsFormatException expected) {
                    assertTrue(expected.getMessage().contains("fuzz.safetensors"), expected.getMessage());
                } catch (Throwable t) {
                    throw new AssertionError("iteration " + i + " threw " + t + " on " + Arrays.toString(bytes), t);
                }
            }
            assertTrue(opened > 0 && opened < ITERATIONS, "opened " + opened + " of " + ITERATIONS);
        });
    }

    private static void readFully(SafetensorsFile f, String name) {
        f.bytes(name).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        try {
            f.tensor(name).toFloatArray();
        } catch (SafetensorsFormatException notFloat) {
            // other dtypes: fine
        }
        try {
            f.longs(name);
        } catch (SafetensorsFormatException notInteger) {
            // other dtypes: fine
        }
    }

    /** Flips bytes, overwrites them with JSON-ish characters, truncates or extends. */
    private static byte[] mutate(byte[] valid, Random random, int headerLength) {
        byte[] b = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(6)) {
                case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 2 -> b[Math.min(b.length - 1, 8 + random.nextInt(headerLength))] =
                        (byte) JSONISH.charAt(random.nextInt(JSONISH.length()));
                case 3 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 4 -> b[random.nextInt(Math.min(8, b.length))] = (byte) random.nextInt(256); // header length
                default -> b = Arrays.copyOf(b, b.length + random.nextInt(16));
            }
            if (b.length == 0) break;
        }
        return b;
    }
}
