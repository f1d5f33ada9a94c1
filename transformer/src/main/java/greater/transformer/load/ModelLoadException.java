package greater.transformer.load;

/** A model folder cannot be loaded: missing file or tensor, wrong shape or dtype. Names the file. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
