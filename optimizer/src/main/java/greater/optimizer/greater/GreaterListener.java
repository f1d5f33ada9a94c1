package greater.optimizer.greater;

/** Progress callbacks of a GReaTer run; every method has a no-op default. */
public interface GreaterListener {
    /** A phase of a step starts: "reasoning", "proposal", "gradient", "selection". */
    default void phase(int step, String phase) {
    }

    /** A step finished; {@code state} is what a checkpoint must store to continue after it. */
    default void stepDone(StepRecord record, RunState state) {
    }
}
