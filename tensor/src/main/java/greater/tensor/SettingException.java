package greater.tensor;

/**
 * A setting outside its range, named as the library names it ({@code fluencyWeight must be >= 0,
 * got -1.0}). A front end that took the value from a flag replaces the name with the flag:
 * {@link #setting()} and {@link #problem()} are kept apart for that. Thrown by every layer's
 * settings: {@code GreaterSettings}, {@code ExecutionSettings}, {@code Evaluator}, {@code Budget},
 * {@code TrainOptions}, {@code Generator}'s token budget.
 */
public final class SettingException extends UserInputException {
    private static final long serialVersionUID = 1L;
    private final String setting;
    private final String problem;

    /**
     * @param setting the component's name ({@code topK}, {@code fluencyWeight})
     * @param problem what is wrong, without the name ({@code must be >= 1, got 0})
     */
    public SettingException(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
        this.problem = problem;
    }

    public String setting() {
        return setting;
    }

    public String problem() {
        return problem;
    }

    /** @throws SettingException ({@code must be >= min, got value}) unless {@code value >= min} */
    public static void atLeast(String setting, long value, long min) {
        if (value < min) throw new SettingException(setting, "must be >= " + min + ", got " + value);
    }
}
