package greater.transformer.config;

import greater.tensor.UserInputException;

/** A model folder's config.json is unreadable or inconsistent; the message names the file and the key. */
public final class ModelConfigException extends UserInputException {
    public ModelConfigException(String message) {
        super(message);
    }

    public ModelConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
