package greater.cli.commands;

import greater.tensor.UserInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo model shipped inside the CLI jar (trained by {@code greater train}). Weights are
 * memory-mapped, so the folder is copied out of the jar once into a cache directory.
 */
final class DemoModel {
    static final List<String> FILES = List.of("config.json", "generation_config.json", "model.safetensors",
            "tokenizer.json", "tokenizer_config.json");

    private DemoModel() {
    }

    static synchronized Path folder() {
        try {
            long stamp = 0;
            for (String f : FILES) {
                var url = DemoModel.class.getResource("/demo-model/" + f);
                if (url == null) throw new UserInputException("the built-in demo model is missing from this build (/demo-model/" + f + "); pass --model DIR");
                stamp = stamp * 31 + url.openConnection().getContentLengthLong();
            }
            Path base = Path.of(System.getProperty("java.io.tmpdir"), "greater-demo-model-" + Long.toHexString(stamp));
            if (!Files.isRegularFile(base.resolve("model.safetensors"))) {
                Path tmp = Files.createTempDirectory("greater-demo");
                for (String f : FILES) {
                    try (InputStream in = DemoModel.class.getResourceAsStream("/demo-model/" + f)) {
                        Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                try {
                    Files.move(tmp, base, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    // another process extracted it first
                }
            }
            return base;
        } catch (IOException e) {
            throw new UserInputException("cannot extract the built-in demo model: " + e.getMessage(), e);
        }
    }
}
