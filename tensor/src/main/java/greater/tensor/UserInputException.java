package greater.tensor;

/**
 * The one kind of error caused by what a user gave: a file (a model folder, a tokenizer, a
 * dataset, a run folder), a flag or a setting. Its message is a single line that names the file or
 * flag and the problem, so a command-line front end prints it as is and exits with code 2;
 * anything else thrown is a bug (exit code 1).
 *
 * <p>It lives in the lowest module so every layer's format errors can extend it:
 * {@code SafetensorsFormatException}, {@code ModelConfigException}, {@code ModelLoadException},
 * {@code TokenizerException}, {@code TaskFormatException}, {@code RunFolderException}.
 */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
