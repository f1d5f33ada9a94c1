package greater.optimizer.greater;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Elementwise;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.List;

/**
 * The gradient over reasoning (GREATER.md step 3, the paper's Eq. 3-4). The embedding at prompt
 * position i is written as {@code onehot · E_C} over the candidate rows E_C; at the one-hot of the
 * current token this equals the current embedding, so one forward/backward through
 * prompt ⊕ suffix ⊕ reasoning ⊕ target gives g = ∂loss/∂e_i, and by the chain rule
 * ∂loss/∂onehot_c = E_c · g. Because the reasoning r sits in the context, g carries the answer
 * loss's dependence on the prompt through every attention read of the reasoning.
 * Per-sample gradients are summed, then divided by their L2 norm (per model; one model here).
 */
final class GradientOverReasoning {
    private GradientOverReasoning() {
    }

    /** One-hot gradient per candidate (same order as {@code candidates}) and the mean loss. */
    record Result(float[] gradient, float meanLoss) {
    }

    static Result compute(Transformer model, List<Sample> samples, int[] prompt, int position, int[] candidates,
                          GreaterSettings s) {
        int hidden = model.config().hiddenSize();
        float[][] rows = new float[candidates.length][];
        for (int c = 0; c < candidates.length; c++) rows[c] = model.embed(new int[]{candidates[c]}).data();

        float[] sum = new float[candidates.length];
        double loss = 0;
        for (Sample sample : samples) {
            KvCache cache = sample.afterPrefix();
            int[] u = sample.continuation(prompt, sample.reasoning);
            Tensor x = Tensor.of(model.embed(u).data(), u.length, hidden).requiresGrad(true);
            try (Tape tape = Tape.record()) {
                Tensor h = model.hiddenStates(x, cache);
                SequenceLoss.Terms terms = SequenceLoss.compute(model, sample, prompt, sample.reasoning, h, s.answerTemperature(), s.controlWeight());
                tape.backward(terms.total());
                loss += terms.total().getFloat(0);
            }
            float[] g = x.grad();
            for (int c = 0; c < candidates.length; c++) {
                sum[c] += Elementwise.dot(rows[c], 0, g, position * hidden, hidden);
            }
        }
        double norm = 0;
        for (float v : sum) norm += (double) v * v;
        norm = Math.sqrt(norm);
        if (norm > 0) for (int c = 0; c < sum.length; c++) sum[c] = (float) (sum[c] / norm);
        return new Result(sum, (float) (loss / samples.size()));
    }
}
