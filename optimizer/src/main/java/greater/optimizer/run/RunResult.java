package greater.optimizer.run;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import greater.optimizer.greater.StepRecord;

import java.util.List;

/**
 * What {@code result.json} holds at the end of a run, in groups written flat
 * ({@code @JsonUnwrapped}: the file's keys are the groups' components, snake_case as other tools
 * read them): the prompts with their test accuracies and train scores, the split sizes, how the
 * run was made, its timings, why it ended ({@code status}), the export of the final prompt for
 * other runtimes, how it was chosen ({@code selection}) and the cost estimate.
 *
 * @param model  the model as named on the command line
 * @param task   the task's name
 * @param status why the run ended (finished, stopped early, stopped by the budget); its step numbers count from 1, as the console's
 */
public record RunResult(
        String model,
        String task,
        @JsonUnwrapped Outcome outcome,
        @JsonUnwrapped Sizes sizes,
        @JsonUnwrapped Method method,
        @JsonUnwrapped Timings timings,
        String status,
        @JsonUnwrapped Export export,
        DevSelection selection,
        CostEstimate estimate) {

    /**
     * The initial and final prompts, their accuracies on the test split (fractions in [0, 1]) and
     * their selection scores on the train split (docs/ALGORITHM.md §2.4; lower is better).
     */
    public record Outcome(String initial_prompt, String final_prompt, double initial_accuracy, double final_accuracy,
                          float initial_score, float final_score) {
    }

    /** Examples in each split. */
    public record Sizes(int train_size, int dev_size, int test_size) {
    }

    /**
     * How the run was made: steps done, gradient over reasoning (false: the no-reasoning
     * ablation), the settings' seed, the ranking and search labels, and the seed the data split
     * was drawn with.
     */
    public record Method(int steps, boolean reasoning, long seed, String ranking, String search, long split_seed) {
    }

    /**
     * Wall-clock seconds: of the last command ({@code seconds}), per step on average, and summed
     * over the steps for each phase (reasoning generation, gradient, selection). Reasoning carried
     * over from the previous step's selection costs its step nothing, so with reuse (the default)
     * {@code generation_seconds} is about 0 and the reasoning work is in {@code selection_seconds}.
     */
    public record Timings(double seconds, double seconds_per_step, double generation_seconds, double gradient_seconds,
                          double selection_seconds) {
        /** The timings of {@code steps}, with {@code seconds} of the whole command. */
        static Timings of(double seconds, List<StepRecord> steps) {
            double total = 0, generation = 0, gradient = 0, selection = 0;
            for (StepRecord r : steps) {
                total += r.timings().seconds();
                generation += r.timings().generationSeconds();
                gradient += r.timings().gradientSeconds();
                selection += r.timings().selectionSeconds();
            }
            return new Timings(seconds, steps.isEmpty() ? 0 : total / steps.size(), generation, gradient, selection);
        }
    }

    /**
     * The final prompt for other runtimes: its token ids, and the exact text the model reads for
     * the first training question with it ({@code rendered_example}, chat template applied).
     */
    public record Export(int[] final_prompt_ids, String rendered_example) {
    }
}
