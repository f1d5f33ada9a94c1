package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Activations;

/** Logit soft-capping {@code cap·tanh(x / cap)} (Gemma-2's final logits); dy/dx = 1 - (y/cap)². */
public final class SoftCapping {
    private SoftCapping() {
    }

    public static Tensor apply(Tensor x, float cap) {
        int n = (int) x.size();
        float[] out = Tape.output(n, x);
        Activations.softcap(out, x.data(), n, cap);
        Tensor y = Tensor.of(out, x.shape().dims());
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> Activations.softcapBackward(dx.buffer(), dy, out, n, cap), x);
        return y;
    }
}
