package greater.cli.commands;

import greater.optimizer.greater.ChatPromptFormat;
import greater.optimizer.greater.PromptFormat;
import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.tokenizer.TokenizerException;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --model DIR} (default: the built-in demo model) and {@code --template NAME}. */
public final class OptionalModel {
    @Option(names = "--model", paramLabel = "DIR", description = "HuggingFace model folder. Default: the built-in demo model.")
    Path dir;

    @Option(names = "--template", paramLabel = "NAME", description = "Chat template override (llama3, llama2, gemma, chatml).")
    String template;

    String name() {
        return dir == null ? "built-in demo model" : dir.toString();
    }

    /** The folder as an absolute path, so it can be recorded in run.json and replayed from anywhere. */
    void makeAbsolute() {
        if (dir != null) dir = dir.toAbsolutePath().normalize();
    }

    /** The model; an unknown {@code --template} fails first, before anything loads. */
    LanguageModel load() {
        if (template != null) {
            try {
                ChatTemplate.byName(template);
            } catch (TokenizerException e) {
                throw new UserInputException("--template: " + e.getMessage(), e);
            }
        }
        Path folder = dir;
        if (folder == null) {
            folder = DemoModel.folder();
        } else if (!Files.isDirectory(folder)) {
            throw new UserInputException("--model: " + folder + (Files.exists(folder) ? " is not a folder" : " does not exist"));
        }
        return LanguageModel.load(folder);
    }

    PromptFormat format(LanguageModel lm) {
        return ChatPromptFormat.of(lm, template);
    }
}
