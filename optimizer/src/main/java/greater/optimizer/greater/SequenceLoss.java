package greater.optimizer.greater;

import greater.tensor.Tensor;
import greater.tensor.ops.Add;
import greater.tensor.ops.CrossEntropyLoss;
import greater.tensor.ops.Rows;
import greater.tensor.ops.Scale;
import greater.transformer.model.Transformer;

/**
 * GReaTer's loss on one sample (GREATER.md step 3): the cross-entropy of the answer tokens under
 * logits / τ, plus λ times the mean NLL of the prompt tokens (fluency). The sequence runs from
 * the cached prefix: {@code u = prompt ⊕ suffix ⊕ reasoning ⊕ target}, logits row j predicting
 * u[j+1]; the first prompt token is predicted from the prefix alone and does not depend on the
 * one-hot, so its NLL enters the reported value but not the gradient.
 */
final class SequenceLoss {
    private SequenceLoss() {
    }

    /** The differentiable total, and the per-sample statistics selection uses. */
    record Terms(Tensor total, float answerLoss, float promptNll, boolean mistake) {
    }

    static Terms compute(Transformer model, Sample sample, int[] prompt, int[] reasoning, Tensor hidden, float tau, float lambda) {
        int[] u = sample.continuation(prompt, reasoning);
        int[] target = sample.layout.target();
        int answerStart = u.length - target.length + sample.layout.answerFrom(); // index in u of the first answer token
        int answerLen = sample.layout.answerLength();

        // Answer: rows answerStart-1 .. u.length-2 predict the answer tokens.
        Tensor answerLogits = model.head(Rows.slice(hidden, answerStart - 1, u.length - 1));  // [A, V]
        int[] answerIds = new int[answerLen];
        System.arraycopy(u, answerStart, answerIds, 0, answerLen);
        boolean mistake = false;
        float[] al = answerLogits.data();
        int vocab = al.length / answerLen;
        for (int r = 0; r < answerLen; r++) {
            if (argmax(al, r * vocab, vocab) != answerIds[r]) mistake = true;
        }
        Tensor answerLoss = CrossEntropyLoss.apply(Scale.apply(answerLogits, 1f / tau), answerIds);

        // Fluency: rows 0 .. L-2 predict prompt tokens 1 .. L-1; token 0 comes from the prefix logits.
        float firstNll = nll(sample.logitsAfterPrefix, prompt[0]);
        Tensor total = answerLoss;
        float promptNll = firstNll;
        if (prompt.length > 1) {
            Tensor promptLogits = model.head(Rows.slice(hidden, 0, prompt.length - 1));
            int[] next = new int[prompt.length - 1];
            System.arraycopy(prompt, 1, next, 0, next.length);
            Tensor restNll = CrossEntropyLoss.apply(promptLogits, next);           // mean over L-1 tokens
            promptNll = (firstNll + restNll.getFloat(0) * next.length) / prompt.length;
            // d/dx of λ·mean_L(NLL) = λ·(L-1)/L · d/dx mean_{L-1}(NLL)
            total = Add.apply(answerLoss, Scale.apply(restNll, lambda * next.length / prompt.length));
        }
        return new Terms(total, answerLoss.getFloat(0), promptNll, mistake);
    }

    static float nll(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        return (float) (max + Math.log(sum) - logits[target]);
    }

    static int argmax(float[] a, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[offset + i] > a[offset + best]) best = i;
        return best;
    }
}
