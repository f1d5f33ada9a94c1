package greater.transformer.train;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;
import greater.tensor.ops.CrossEntropyLoss;
import greater.tensor.ops.Scale;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packing sequences into one forward changes nothing but the speed: same logits, same gradients. */
class TrainPackedForwardTest {
    private static final List<int[]> SEQUENCES = List.of(new int[]{1, 5, 9, 2, 7}, new int[]{3, 3, 8}, new int[]{4, 0, 6, 6, 2, 1, 9});

    @Test
    void packedLogitsEqualPerSequenceLogits() {
        TrainableModel model = TrainableModel.initialize(TrainTesting.tiny(12), new Rng(3), 0.3);
        PackedForward packed = new PackedForward(model.config(), model.transformer().weights());
        float[] all = packed.logits(SEQUENCES).data();
        int v = 12, at = 0;
        for (int[] s : SEQUENCES) {
            float[] one = model.transformer().logits(s).data();
            double err = TrainTesting.maxAbsDiff(one, Arrays.copyOfRange(all, at * v, (at + s.length) * v));
            assertTrue(err < 1e-5, "sequence " + Arrays.toString(s) + ": max error " + err);
            at += s.length;
        }
    }

    @Test
    void packedGradientEqualsSumOfPerSequenceGradients() {
        TrainableModel model = TrainableModel.initialize(TrainTesting.tiny(12), new Rng(4), 0.3);
        String name = "model.layers.1.self_attn.q_proj.weight";
        int total = 0;
        for (int[] s : SEQUENCES) total += s.length - 1;

        // Per sequence: mean loss of that sequence, weighted by its share of all targets.
        for (int[] s : SEQUENCES) {
            try (Tape tape = Tape.record()) {
                Tensor loss = CrossEntropyLoss.apply(model.transformer().logits(s), nextTokens(s));
                tape.backward(Scale.apply(loss, (float) (s.length - 1) / total));
            }
        }
        float[] separate = model.tensor(name).grad().clone();
        float[] embedSeparate = model.tensor("model.embed_tokens.weight").grad().clone();
        model.zeroGrad();

        int[] targets = new int[0];
        for (int[] s : SEQUENCES) {
            int[] t = nextTokens(s);
            int[] joined = Arrays.copyOf(targets, targets.length + t.length);
            System.arraycopy(t, 0, joined, targets.length, t.length);
            targets = joined;
        }
        try (Tape tape = Tape.record()) {
            tape.backward(CrossEntropyLoss.apply(new PackedForward(model.config(), model.transformer().weights()).logits(SEQUENCES), targets));
        }
        double err = TrainTesting.maxAbsDiff(separate, model.tensor(name).grad());
        double errEmbed = TrainTesting.maxAbsDiff(embedSeparate, model.tensor("model.embed_tokens.weight").grad());
        assertTrue(err < 1e-6 && errEmbed < 1e-6, "gradient differs: " + err + ", embeddings " + errEmbed);
    }

    private static int[] nextTokens(int[] s) {
        int[] t = new int[s.length];
        for (int i = 0; i + 1 < s.length; i++) t[i] = s[i + 1];
        t[s.length - 1] = -1;
        return t;
    }
}
