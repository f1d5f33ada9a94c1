package greater.transformer.tokenizer;

/** Lets tests in other packages use the in-test tiny tokenizers. */
public final class TinyTokenizersAccess {
    private TinyTokenizersAccess() {
    }

    /** {@link TinyTokenizers#byteLevel}. */
    public static String byteLevel() {
        return TinyTokenizers.byteLevel(false);
    }
}
