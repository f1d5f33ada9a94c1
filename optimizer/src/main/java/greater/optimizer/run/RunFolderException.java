package greater.optimizer.run;

import greater.tensor.UserInputException;

/** A run folder cannot be resumed: run.json or checkpoint.json is missing, unreadable or inconsistent. Names the file. */
public final class RunFolderException extends UserInputException {
    public RunFolderException(String message) {
        super(message);
    }

    public RunFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
