package greater.tensor.safetensors;

import greater.tensor.UserInputException;
import java.nio.file.Path;

/**
 * A safetensors file (or sharded index) whose content breaks the format, or that lacks a tensor
 * the caller asked for. The message is always one line that names the file and the problem, e.g.
 * {@code "model.safetensors: tensor 'x' data range [0, 400) exceeds the 256 data bytes after the header"}.
 * Plain I/O failures (no such file, permission denied) are {@link java.io.IOException}s instead.
 */
public final class SafetensorsFormatException extends UserInputException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED = 120;

    public SafetensorsFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    public SafetensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + oneLine(problem), cause);
    }

    /** {@code 'name'} for messages: control characters escaped, very long names shortened. */
    static String quote(String name) {
        String s = name.length() > MAX_QUOTED ? name.substring(0, MAX_QUOTED) + "..." : name;
        return "'" + oneLine(s) + "'";
    }
}
