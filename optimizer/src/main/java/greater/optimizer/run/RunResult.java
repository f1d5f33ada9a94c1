package greater.optimizer.run;

/** What {@code result.json} holds at the end of a run. */
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
        String ranking,
        String search,
        long split_seed) {
}
