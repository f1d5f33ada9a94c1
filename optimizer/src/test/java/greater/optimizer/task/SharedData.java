package greater.optimizer.task;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared datasets ({@code ../shared/data} next to the repository) or skips the test. */
final class SharedData {
    private SharedData() {
    }

    /** {@code shared/data} found by walking up from the working directory; skips the calling test when absent. */
    static Path dir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path data = d.resolve("shared").resolve("data");
            if (Files.isDirectory(data)) return data;
        }
        Assumptions.assumeTrue(false, "../shared not found (no shared/data above " + Path.of("").toAbsolutePath() + "); skipping dataset test");
        throw new AssertionError("unreachable");
    }

    static Path file(String relative) {
        Path f = dir().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(f), "../shared/data/" + relative + " not found; skipping");
        return f;
    }
}
