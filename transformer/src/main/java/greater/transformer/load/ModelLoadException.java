package greater.transformer.load;

import greater.tensor.UserInputException;

/** A model folder cannot be loaded: missing file or tensor, wrong shape or dtype. Names the file. */
public final class ModelLoadException extends UserInputException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
