package greater.transformer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * The real tokenizers in {@code ../shared/tokenizers/<name>/} (never copied into the project) and
 * the expected ids {@code transformer/reference/tokenizer_fixtures.py} wrote for them into
 * {@code src/test/resources/tokenizer/expected_<name>.json}.
 */
public final class SharedTokenizers {
    public static final List<String> NAMES = List.of("llama3", "llama2", "qwen3", "gemma3");
    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private SharedTokenizers() {
    }

    /** {@code shared/tokenizers}, found beside the repository by walking up from the working directory. */
    public static Path root() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("tokenizers");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The folder of tokenizer {@code name}; skips the calling test when ../shared is absent. */
    public static Path folder(String name) {
        Path root = root();
        Assumptions.assumeTrue(root != null && Files.isRegularFile(root.resolve(name).resolve("tokenizer.json")),
                "../shared not found: skipping the " + name + " reference test (needs shared/tokenizers/" + name
                        + "/tokenizer.json beside the repository)");
        return root.resolve(name);
    }

    /** The loaded tokenizer {@code name}, cached across tests. */
    public static Tokenizer load(String name) {
        Path folder = folder(name);
        return LOADED.computeIfAbsent(name, n -> Tokenizer.load(folder));
    }

    /** The committed expected ids for {@code name}. */
    public static JsonNode expected(String name) {
        try (InputStream in = SharedTokenizers.class.getResourceAsStream("/tokenizer/expected_" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource tokenizer/expected_" + name + ".json");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
