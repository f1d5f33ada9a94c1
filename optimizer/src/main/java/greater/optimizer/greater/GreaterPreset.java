package greater.optimizer.greater;

import greater.optimizer.task.ArithmeticInstructions;

import greater.tensor.SettingException;
import java.util.List;

/**
 * A named starting point for a run: the settings, the initial prompt and the split sizes. The
 * CLI starts from one and applies only the flags given; a library user starts from one and
 * changes what it needs with {@code settings().toBuilder()}.
 * <ul>
 *   <li>{@link #PAPER}: the official code's run (psunlpgroup/GreaTer at 42a22d9, docs/ALGORITHM.md
 *       §2.6): {@link GreaterSettings#defaults()}, the official initial prompt
 *       (run_llama3_all.sh:78), 50 train and 50 test examples (run_llama3_all.sh:70-71). Its
 *       reasoning limit is the official 1024 tokens (attack_manager.py:873); reasoning ends earlier
 *       at the model's end of turn, and {@code greater optimize --dry-run} measures the length on
 *       the task at hand.</li>
 *   <li>{@link #DEMO}: the built-in arithmetic demo on its small model, sized to finish in about
 *       half a minute: 12 steps, top-k 12, 8 candidates re-scored, at most 100 reasoning tokens
 *       (the demo model's longest reasoning is well under it: benchmarks/README.md), the weak
 *       instruction {@link ArithmeticInstructions#DEMO_START}, 24 train and 100 test examples;
 *       reasoning ends before the model's own "Therefore, the final answer is" (the demo model
 *       writes it itself; with the official end-of-turn rule the appended extractor reads a second
 *       answer: 85% held-out instead of 97%, benchmarks/results/search-grid.md).</li>
 * </ul>
 *
 * @param name          {@code paper} or {@code demo}
 * @param settings      the run's settings
 * @param initialPrompt the prompt optimization starts from
 * @param trainSize     train examples
 * @param testSize      held-out test examples
 */
public record GreaterPreset(String name, GreaterSettings settings, String initialPrompt, int trainSize, int testSize) {
    /** The official initial prompt (run_llama3_all.sh:78, README.md:33 of the official code). */
    public static final String OFFICIAL_INITIAL_PROMPT = "proper logical reasoning and think step by step. Finally give the actual correct answer.";

    public static final GreaterPreset PAPER = new GreaterPreset("paper", GreaterSettings.defaults(), OFFICIAL_INITIAL_PROMPT, 50, 50);

    public static final GreaterPreset DEMO = new GreaterPreset("demo",
            GreaterSettings.builder().steps(12).topK(12).selectionCandidates(8).maxReasoningTokens(100)
                    .reasoningStop(ReasoningStop.EXTRACTOR).build(),
            ArithmeticInstructions.DEMO_START, 24, 100);

    /** Every preset, {@link #PAPER} first. */
    public static List<GreaterPreset> all() {
        return List.of(PAPER, DEMO);
    }

    /** @throws SettingException ({@code preset}) for a name that is not one of {@link #all()} */
    public static GreaterPreset named(String name) {
        for (GreaterPreset p : all()) if (p.name.equals(name)) return p;
        throw new SettingException("preset", "must be one of " + all().stream().map(GreaterPreset::name).toList() + ", got " + name);
    }
}
