package greater.transformer.train;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.CrossEntropyLoss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's weight gradients are the product transformer's: every parameter of a tiny model,
 * run through {@link greater.transformer.model.Transformer#logits} under a tape, against central
 * finite differences of the same loss.
 */
class TrainGradientTest {
    private static final int VOCAB = 12;
    private static final int[] SEQUENCE = {1, 5, 9, 2, 7, 3, 3, 8, 0};
    private static final float H = 1e-2f;

    @Test
    void everyWeightGradientMatchesFiniteDifferences() {
        TrainableModel model = TrainableModel.initialize(TrainTesting.tiny(VOCAB), new Rng(4), 0.3);
        int[] targets = new int[SEQUENCE.length];
        for (int i = 0; i < SEQUENCE.length; i++) targets[i] = i + 1 < SEQUENCE.length ? SEQUENCE[i + 1] : -1;
        model.zeroGrad();
        try (Tape tape = Tape.record()) {
            tape.backward(CrossEntropyLoss.apply(model.transformer().logits(SEQUENCE), targets));
        }
        for (TrainableModel.Parameter p : model.layout()) {
            Tensor t = model.tensor(p.name());
            float[] grad = t.grad().clone(), w = t.data();
            // The entries the loss is most sensitive to, and one from the middle.
            int top = 0, second = -1;
            for (int i = 1; i < grad.length; i++) {
                if (Math.abs(grad[i]) > Math.abs(grad[top])) {
                    second = top;
                    top = i;
                } else if (second < 0 || Math.abs(grad[i]) > Math.abs(grad[second])) {
                    second = i;
                }
            }
            double scale = Math.abs(grad[top]);
            assertTrue(scale > 1e-6, p.name() + " gets no gradient");
            for (int i : new int[]{top, second, grad.length / 2}) {
                float saved = w[i];
                w[i] = saved + H;
                double plus = loss(model, targets);
                w[i] = saved - H;
                double minus = loss(model, targets);
                w[i] = saved;
                double numeric = (plus - minus) / (2 * H);
                assertTrue(Math.abs(numeric - grad[i]) <= 0.02 * scale + 1e-4,
                        p.name() + "[" + i + "]: autodiff " + grad[i] + ", finite differences " + numeric);
            }
        }
    }

    private static double loss(TrainableModel model, int[] targets) {
        return CrossEntropyLoss.apply(model.transformer().logits(SEQUENCE), targets).getFloat(0);
    }
}
