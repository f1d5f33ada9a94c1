package greater.optimizer.greater;

import greater.tensor.SettingException;
import greater.transformer.infer.Generator;
import greater.transformer.model.Transformer;

/**
 * How a GReaTer step is computed, not what it computes: every switch changes cost only, so a run
 * may be resumed with other values (they are not part of the run's identity).
 * <ul>
 *   <li>{@code tokenBudget}: KV positions held at once by the sequences of one batch (memory
 *       bound; {@code --token-budget}). A differentiated row keeps about 25 times the floats of a
 *       cached position (every layer's activations for the backward), so the gradient packs
 *       sequences up to {@code tokenBudget / 16} rows (at least one sequence).</li>
 *   <li>{@code batching}: many sequences per forward pass (continuous batching); off, one at a
 *       time.</li>
 *   <li>{@code reuse}: the chosen candidate's reasoning from selection is the next step's
 *       reasoning; the gradient and selection start from a cache holding the prompt before the
 *       edited position; off, both recompute.</li>
 *   <li>{@code draftVerification}: regenerated reasoning is checked against the current one as a
 *       draft (exact for greedy); off, decoded token by token.</li>
 * </ul>
 *
 * @throws SettingException ({@code tokenBudget}) when the budget is below 1
 */
public record ExecutionSettings(int tokenBudget, boolean batching, boolean reuse, boolean draftVerification) {
    public ExecutionSettings {
        SettingException.atLeast("tokenBudget", tokenBudget, 1);
    }

    /** Everything on, the default budget. */
    public static ExecutionSettings defaults() {
        return new ExecutionSettings(Generator.DEFAULT_TOKEN_BUDGET, true, true, true);
    }

    /** A generator that batches under the budget, or takes one sequence at a time. */
    Generator generator(Transformer model) {
        return new Generator(model, batching ? tokenBudget : 1);
    }

    /** Rows differentiated in one packed forward (at least one whole sequence always goes). */
    int gradientRows() {
        return batching ? Math.max(1, tokenBudget / 16) : 1;
    }
}
