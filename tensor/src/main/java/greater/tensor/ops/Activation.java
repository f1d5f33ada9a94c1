package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Activations;

/** Pointwise activations: SiLU {@code x·σ(x)}, exact GELU {@code x·Φ(x)}, and tanh-approximated GELU. */
public final class Activation {
    private Activation() {
    }

    public enum Kind { SILU, GELU_EXACT, GELU_TANH }

    public static Tensor apply(Tensor x, Kind kind) {
        int n = (int) x.size();
        float[] xs = x.data();
        float[] out = new float[n];
        switch (kind) {
            case SILU -> Activations.silu(out, xs, n);
            case GELU_EXACT -> Activations.geluExact(out, xs, n);
            case GELU_TANH -> Activations.geluTanh(out, xs, n);
        }
        Tensor y = Tensor.of(out, x.shape().dims());
        GradSlot dx = Tape.gradOf(x);
        Tape.record(y, dy -> {
            switch (kind) {
                case SILU -> Activations.siluBackward(dx.buffer(), dy, xs, n);
                case GELU_EXACT -> Activations.geluExactBackward(dx.buffer(), dy, xs, n);
                case GELU_TANH -> Activations.geluTanhBackward(dx.buffer(), dy, xs, n);
            }
        }, x);
        return y;
    }
}
