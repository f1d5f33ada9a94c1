package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Activations;

/**
 * The gated MLP nonlinearity {@code act(gate) ⊙ up}: SiLU for Llama/Mistral/Qwen2 (SwiGLU,
 * Shazeer 2020), tanh-approximated GELU for Gemma ({@code gelu_pytorch_tanh}).
 */
public final class GatedActivation {
    private GatedActivation() {
    }

    public enum Kind { SILU, GELU_TANH }

    public static Tensor apply(Tensor gate, Tensor up, Kind kind) {
        Shapes.requireSameSize("GatedActivation", gate, up);
        int n = (int) gate.size();
        float[] g = gate.data(), u = up.data();
        float[] out = Tape.output(n, gate, up);
        switch (kind) {
            case SILU -> Activations.gatedSilu(out, g, u, n);
            case GELU_TANH -> Activations.gatedGeluTanh(out, g, u, n);
        }
        Tensor y = Tensor.of(out, gate.shape().dims());
        GradSlot dGate = Tape.gradOf(gate), dUp = Tape.gradOf(up);
        Tape.record(y, dy -> {
            // written when neither gradient has a contribution yet (gate and up are projections
            // read only here), else added; also added when gate and up are one tensor
            boolean accumulate = dGate == dUp || !(empty(dGate) && empty(dUp));
            float[] dg = dGate == null ? new float[n] : accumulate ? dGate.buffer() : dGate.bufferToOverwrite();
            float[] du = dUp == null ? new float[n] : accumulate ? dUp.buffer() : dUp.bufferToOverwrite();
            switch (kind) {
                case SILU -> Activations.gatedSiluBackward(dg, du, dy, g, u, n, accumulate);
                case GELU_TANH -> Activations.gatedGeluTanhBackward(dg, du, dy, g, u, n, accumulate);
            }
        }, gate, up);
        return y;
    }

    private static boolean empty(GradSlot slot) {
        return slot == null || slot.isEmpty();
    }
}
