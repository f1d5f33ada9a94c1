package greater.tensor;

/**
 * The one kind of error caused by what a user gave: a file (a model folder, a tokenizer, a
 * dataset, a run folder), a flag or a setting. Its message is a single line that names the file or
 * flag and the problem (escaped onto one line here, whatever the input held), so a command-line
 * front end prints it as is and exits with code 2;
 * anything else thrown is a bug (exit code 1).
 *
 * <p>It lives in the lowest module so every layer's format errors can extend it:
 * {@code SafetensorsFormatException}, {@code ModelConfigException}, {@code ModelLoadException},
 * {@code TokenizerException}, {@code TaskFormatException}, {@code RunFolderException}, and
 * {@link SettingException} for a setting out of range.
 */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} is kept on one line: line breaks and other control characters are escaped (they may come from the input). */
    public UserInputException(String message) {
        super(oneLine(message));
    }

    public UserInputException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code s} with line breaks and other control characters escaped ({@code \\n}, {@code \\u0000}). */
    protected static String oneLine(String s) {
        if (s == null) return null;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
