package greater.transformer.grad;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.CrossEntropyLoss;
import greater.transformer.model.Transformer;

import java.util.function.Function;

/**
 * The gradient of a loss with respect to the input embeddings (the raw rows of
 * {@code embed_tokens}, before any model-specific scaling), with the weights frozen: only
 * input gradients are computed. This is the primitive GReaTer's gradient over reasoning uses.
 */
public final class InputGradient {
    private InputGradient() {
    }

    /**
     * The loss value, the logits [T, V] (a copy of the tape's; null when the caller did not keep
     * them) and d(loss)/d(inputs_embeds) [T, H].
     */
    public record Result(float loss, Tensor logits, Tensor inputEmbedsGrad) {
    }

    /**
     * Runs the model on {@code inputsEmbeds} [T, H] (copied) and differentiates {@code lossOf(logits)};
     * the logits {@code lossOf} gets, and what it makes of them, are valid only during the call
     * (they live in the tape's memory).
     */
    public static Result of(Transformer model, Tensor inputsEmbeds, Function<Tensor, Tensor> lossOf) {
        return of(model, inputsEmbeds, lossOf, true);
    }

    /**
     * {@link #of(Transformer, Tensor, Function)}, with the logits copied into the result only when
     * {@code keepLogits}: at 256 tokens of a 49k vocabulary the copy is 50 MB a pass, a fresh array
     * the JVM zeroes and a concurrent collection cycle per pass, for callers that only want the
     * gradient.
     */
    public static Result of(Transformer model, Tensor inputsEmbeds, Function<Tensor, Tensor> lossOf, boolean keepLogits) {
        Tensor x = Tensor.of(inputsEmbeds.toFloatArray(), inputsEmbeds.shape().dims()).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor logits = model.forward(x, null, true);
            Tensor loss = lossOf.apply(logits);
            if (loss.size() != 1) throw new IllegalArgumentException("the loss must be a scalar, got " + loss.shape());
            tape.backward(loss);
            float[] g = x.grad() != null ? x.grad() : new float[(int) x.size()];
            // a copy: the logits' own array is the tape's, the next pass's memory once it closes
            Tensor kept = keepLogits ? Tensor.of(logits.toFloatArray(), logits.shape().dims()) : null;
            return new Result(loss.getFloat(0), kept, Tensor.of(g, x.shape().dims()));
        }
    }

    /**
     * transformers' {@code labels=input_ids} loss: mean next-token cross-entropy over positions
     * 0..T-2, and its gradient w.r.t. the embedding rows of {@code ids}.
     */
    public static Result nextTokenLoss(Transformer model, int[] ids) {
        return nextTokenLoss(model, ids, true);
    }

    /**
     * {@link #nextTokenLoss(Transformer, int[])}, the logits kept only when {@code keepLogits}.
     *
     * @throws IllegalArgumentException for fewer than 2 ids
     */
    public static Result nextTokenLoss(Transformer model, int[] ids, boolean keepLogits) {
        if (ids.length < 2) throw new IllegalArgumentException("a next-token loss needs at least 2 tokens, got " + ids.length);
        int[] targets = new int[ids.length];
        for (int i = 0; i + 1 < ids.length; i++) targets[i] = ids[i + 1];
        targets[ids.length - 1] = -1;
        return of(model, model.embed(ids), logits -> CrossEntropyLoss.apply(logits, targets), keepLogits);
    }
}
