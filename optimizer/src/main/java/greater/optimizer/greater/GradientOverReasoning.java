package greater.optimizer.greater;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.Add;
import greater.tensor.ops.Rows;
import greater.transformer.grad.ContinuationLoss;
import greater.transformer.model.KvCache;
import greater.transformer.model.Packing;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * The gradient over reasoning (docs/ALGORITHM.md §2.3, formula (3)). The embedding at prompt
 * position i is written as {@code onehot · E_C} over the candidate rows E_C; at the one-hot of the
 * current token this equals the current embedding, so one forward/backward through
 * prompt ⊕ suffix ⊕ reasoning ⊕ target gives g = ∂loss/∂e_i, and by the chain rule
 * ∂loss/∂onehot_c = E_c · g. Because the reasoning r sits in the context, g carries the answer
 * loss's dependence on the prompt through every attention read of the reasoning.
 * The forward starts from each sample's {@link PromptPosition} (a cache holding everything before
 * i when reuse is on), and samples are packed into micro-batches of at most
 * {@link ExecutionSettings#gradientRows()} rows, their losses summed so one backward serves all.
 * Per-sample gradients are summed, then divided by their L2 norm (per model; one model here;
 * greater_opt.py:213 at 42a22d9).
 */
final class GradientOverReasoning {
    private GradientOverReasoning() {
    }

    /** One-hot gradient per candidate (same order as {@code candidates}) and the mean loss. */
    record Result(float[] gradient, float meanLoss) {
    }

    static Result compute(Transformer model, List<PromptPosition> positions, Reasoning reasoning, int[] prompt, int[] candidates,
                          GreaterSettings s, ExecutionSettings exec) {
        int hidden = model.config().hiddenSize();
        float[] g = new float[hidden];   // Σ over samples of ∂loss/∂e_i
        double loss = 0;
        for (int first = 0; first < positions.size(); ) {
            int last = first, rows = rowsOf(positions.get(first), reasoning.samples().get(first), prompt);
            while (last + 1 < positions.size()) {
                int more = rowsOf(positions.get(last + 1), reasoning.samples().get(last + 1), prompt);
                if (rows + more > exec.gradientRows()) break;
                rows += more;
                last++;
            }
            loss += microBatch(model, positions.subList(first, last + 1), reasoning.samples().subList(first, last + 1), prompt, g, s);
            first = last + 1;
        }
        float[] sum = new float[candidates.length];
        for (int c = 0; c < candidates.length; c++) {
            float[] e = model.embed(new int[]{candidates[c]}).data();
            double dot = 0;
            for (int j = 0; j < hidden; j++) dot += (double) e[j] * g[j];
            sum[c] = (float) dot;
        }
        double norm = 0;
        for (float v : sum) norm += (double) v * v;
        norm = Math.sqrt(norm);
        if (norm > 0) for (int c = 0; c < sum.length; c++) sum[c] = (float) (sum[c] / norm);
        return new Result(sum, (float) (loss / positions.size()));
    }

    private static int rowsOf(PromptPosition p, int[] reasoning, int[] prompt) {
        return p.input(prompt).length + reasoning.length + p.sample().layout.target().length;
    }

    /** One packed forward/backward over some samples; adds their ∂loss/∂e_i to {@code g}, returns their summed loss. */
    private static double microBatch(Transformer model, List<PromptPosition> positions, List<int[]> reasoning, int[] prompt, float[] g,
                                     GreaterSettings s) {
        int n = positions.size(), hidden = model.config().hiddenSize();
        int[] lengths = new int[n];
        KvCache[] caches = new KvCache[n];
        List<int[]> inputs = new ArrayList<>();
        int total = 0;
        for (int k = 0; k < n; k++) {
            PromptPosition p = positions.get(k);
            int[] u = Sample.concat(Sample.concat(p.input(prompt), reasoning.get(k)), p.sample().layout.target());
            inputs.add(u);
            lengths[k] = u.length;
            total += u.length;
            if (p.cache() != null) {
                // a working copy: the forward appends to it, the start cache serves selection next
                caches[k] = model.newCache(p.cached() + u.length);
                caches[k].copyFrom(p.cache());
            }
        }
        int[] ids = new int[total];
        for (int k = 0, at = 0; k < n; at += lengths[k], k++) System.arraycopy(inputs.get(k), 0, ids, at, lengths[k]);
        Tensor x = Tensor.of(model.embed(ids).data(), total, hidden).requiresGrad(true);
        double loss = 0;
        int[] rowOfI = new int[n];
        try (Tape tape = Tape.record()) {
            Tensor h = model.hiddenStates(x, new Packing(lengths, caches));
            Tensor sum = null;
            for (int k = 0, at = 0; k < n; at += lengths[k], k++) {
                PromptPosition p = positions.get(k);
                rowOfI[k] = at + p.lead().length + (p.position() - p.offset());
                Tensor hs = Rows.slice(h, at, at + lengths[k]);
                ContinuationLoss.Result r = ContinuationLoss.of(model, hs, spans(p, prompt, reasoning.get(k), s));
                loss += r.total().getFloat(0) + s.fluencyWeight() / prompt.length * p.nllOutside(prompt);
                sum = sum == null ? r.total() : Add.apply(sum, r.total());
            }
            tape.backward(sum);
        }
        float[] grad = x.grad();
        if (grad != null) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < hidden; j++) g[j] += grad[rowOfI[k] * hidden + j];
            }
        }
        return loss;
    }

    /**
     * GReaTer's loss on one sample over u = input ⊕ reasoning ⊕ target: the answer tokens'
     * cross-entropy at temperature τ, plus λ/L times the NLL of each prompt token in the forward.
     */
    static List<ContinuationLoss.Span> spans(PromptPosition p, int[] prompt, int[] reasoning, GreaterSettings s) {
        SampleLayout layout = p.sample().layout;
        int answerRow = p.input(prompt).length + reasoning.length + layout.answerFrom() - 1;
        var answer = new ContinuationLoss.Span(answerRow,
                java.util.Arrays.copyOfRange(layout.target(), layout.answerFrom(), layout.target().length), s.answerTemperature(), 1f);
        return List.of(answer, p.promptSpan(prompt, s.fluencyWeight()));
    }
}
