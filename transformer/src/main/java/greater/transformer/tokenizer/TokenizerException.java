package greater.transformer.tokenizer;

import greater.tensor.UserInputException;

/**
 * The one error this package throws: a tokenizer file that cannot be used (missing, not JSON,
 * an unknown component type), text a chat template rejects, or an id outside the vocabulary.
 *
 * <p>The message is a single line that names the file (when there is one) and the problem, so a
 * command-line caller can print it as is, e.g.
 * {@code /models/x/tokenizer.json: unknown normalizer type "Precompiled" (supported: ...)}.
 */
public class TokenizerException extends UserInputException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
