package greater.optimizer.task;

import greater.tensor.UserInputException;

/** A dataset or task definition is unusable; the message names the file (and line) and the problem. */
public final class TaskFormatException extends UserInputException {
    public TaskFormatException(String message) {
        super(message);
    }

    public TaskFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
