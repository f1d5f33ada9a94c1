package greater.optimizer.run;

/**
 * What {@code result.json} holds at the end of a run. The fields after {@code selection_seconds}
 * (issue 14) say why the run ended, which prompt was chosen and how ({@code selection}), and export
 * the final prompt for other runtimes: its token ids and the exact text the model reads for the
 * first training question with it ({@code rendered_example}, chat template applied).
 */
public record RunResult(
        String model,
        String task,
        String initial_prompt,
        String final_prompt,
        double initial_accuracy,
        double final_accuracy,
        int test_size,
        int train_size,
        int steps,
        double seconds,
        boolean reasoning,
        long seed,
        float initial_score,
        float final_score,
        double seconds_per_step,
        double generation_seconds,
        double gradient_seconds,
        double selection_seconds,
        String status,
        int[] final_prompt_ids,
        String rendered_example,
        int dev_size,
        DevSelection selection,
        CostEstimate estimate,

        String ranking,
        String search,
        long split_seed) {
}
