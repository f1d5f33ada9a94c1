package greater.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.safetensors.TensorSource;
import greater.transformer.config.ModelConfig;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Generator;
import greater.transformer.load.ModelLoadException;
import greater.transformer.load.WeightLoader;
import greater.transformer.model.Transformer;
import greater.transformer.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A HuggingFace model folder, loaded: config.json, the memory-mapped safetensors weights (kept in
 * their stored dtype), and the stop ids from config.json and generation_config.json.
 *
 * <pre>
 *   try (LanguageModel lm = LanguageModel.load(Path.of("SmolLM2-135M-Instruct"))) {
 *       int[] reply = lm.generator().generate(promptIds, lm.greedy(64));
 *   }
 * </pre>
 */
public final class LanguageModel implements AutoCloseable {
    private final Path folder;
    private final ModelConfig config;
    private final TensorSource source;
    private final Transformer transformer;
    private final Set<Integer> stopIds;
    private Tokenizer tokenizer;

    private LanguageModel(Path folder, ModelConfig config, TensorSource source, Set<Integer> stopIds) {
        this.folder = folder;
        this.config = config;
        this.source = source;
        this.transformer = new Transformer(config, WeightLoader.load(source, config));
        this.stopIds = Set.copyOf(stopIds);
    }

    /** Loads {@code folder}; every problem is an exception naming the file. */
    public static LanguageModel load(Path folder) {
        if (!Files.isDirectory(folder)) throw new ModelLoadException(folder + ": not a folder");
        ModelConfig config = ModelConfig.load(folder);
        TensorSource source;
        try {
            source = TensorSource.open(folder);
        } catch (IOException e) {
            throw new ModelLoadException(folder + ": cannot open weights: " + e.getMessage(), e);
        }
        try {
            return new LanguageModel(folder, config, source, stopIds(folder, config));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** eos ids of config.json plus generation_config.json's (an int or a list). */
    private static Set<Integer> stopIds(Path folder, ModelConfig config) {
        Set<Integer> ids = new LinkedHashSet<>(config.eosTokenIds());
        Path gen = folder.resolve("generation_config.json");
        if (Files.exists(gen)) {
            try {
                JsonNode eos = new ObjectMapper().readTree(gen.toFile()).get("eos_token_id");
                if (eos != null && eos.isArray()) eos.forEach(e -> ids.add(e.asInt()));
                else if (eos != null && eos.isIntegralNumber()) ids.add(eos.asInt());
            } catch (IOException e) {
                throw new ModelLoadException(gen + ": not valid JSON: " + e.getMessage(), e);
            }
        }
        return ids;
    }

    public Path folder() {
        return folder;
    }

    public ModelConfig config() {
        return config;
    }

    /** The folder's tokenizer (tokenizer.json [+ tokenizer_config.json]), loaded on first use; empty when absent. */
    public synchronized Optional<Tokenizer> tokenizer() {
        if (tokenizer == null && Files.exists(folder.resolve("tokenizer.json"))) tokenizer = Tokenizer.load(folder);
        return Optional.ofNullable(tokenizer);
    }

    /** The tokenizer, or an error naming the folder when it has none. */
    public Tokenizer requireTokenizer() {
        return tokenizer().orElseThrow(() -> new ModelLoadException(folder + ": no tokenizer.json in the model folder"));
    }

    public Transformer transformer() {
        return transformer;
    }

    public Generator generator() {
        return new Generator(transformer);
    }

    /** Ids that end generation (eos, end of turn). */
    public Set<Integer> stopIds() {
        return stopIds;
    }

    /** Greedy decoding of at most {@code maxNewTokens} tokens that stops at this model's {@link #stopIds()}. */
    public GenerationOptions greedy(int maxNewTokens) {
        return GenerationOptions.greedy(maxNewTokens, stopIds);
    }

    /** Total parameters (tied embeddings counted once). */
    public long parameterCount() {
        long n = 0;
        for (String name : source.names()) n += source.info(name).elementCount();
        return n;
    }

    /** Bytes of weight data on disk. */
    public long weightBytes() {
        long n = 0;
        for (String name : source.names()) n += source.info(name).byteSize();
        return n;
    }

    /** The stored dtype of the embeddings (the model's weight dtype). */
    public String weightDtype() {
        return transformer.weights().embedTokens().dtype().name();
    }

    @Override
    public void close() {
        source.close();
    }
}
