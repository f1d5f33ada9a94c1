package greater.cli.commands;

import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --model DIR}: a HuggingFace model folder. */
public final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HuggingFace model folder (config.json, safetensors, tokenizer).")
    Path dir;

    LanguageModel load() {
        if (!Files.exists(dir)) throw new UserInputException("--model: " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new UserInputException("--model: " + dir + " is not a folder");
        return LanguageModel.load(dir);
    }
}
