package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.Tape;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check: reduces an op's output to a scalar with fixed random weights
 * (L = Σ r_i y_i), takes the tape's gradient of L for every input that requires gradients, and
 * compares each element with the central difference (L(x+h) - L(x-h)) / 2h.
 */
final class GradientCheck {
    private GradientCheck() {
    }

    static Tensor random(Random rnd, float scale, int... dims) {
        Tensor t = Tensor.zeros(dims);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextGaussian() * scale;
        return t;
    }

    /** Checks d(Σ r⊙op(inputs))/d(input) for every input with requiresGrad. */
    static void check(String name, List<Tensor> inputs, Function<List<Tensor>, Tensor> op, double h, double tol) {
        Tensor probe = op.apply(inputs);
        Random rnd = new Random(name.hashCode());
        float[] r = new float[(int) probe.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) rnd.nextGaussian();

        for (Tensor in : inputs) in.zeroGrad();
        try (Tape tape = Tape.record()) {
            Tensor y = op.apply(inputs);
            Tensor loss = weightedSum(y, r);
            tape.backward(loss);
        }
        int checked = 0;
        for (int which = 0; which < inputs.size(); which++) {
            Tensor in = inputs.get(which);
            if (!in.requiresGrad()) continue;
            float[] analytic = in.grad();
            if (analytic == null) fail(name + ": no gradient reached input " + which);
            float[] x = in.data();
            double maxAbs = 1e-3;
            for (float a : analytic) maxAbs = Math.max(maxAbs, Math.abs(a));
            for (int i = 0; i < x.length; i++) {
                float saved = x[i];
                x[i] = (float) (saved + h);
                double plus = dot(op.apply(inputs), r);
                x[i] = (float) (saved - h);
                double minus = dot(op.apply(inputs), r);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double err = Math.abs(numeric - analytic[i]) / maxAbs;
                assertTrue(err < tol, () -> name + ": input " + in.shape() + " element mismatch, analytic "
                        + "vs numeric differ by " + err + " of max |grad|");
                checked++;
            }
        }
        assertTrue(checked > 0, name + ": nothing checked");
    }

    private static double dot(Tensor y, float[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) y.getFloat(i) * r[i];
        return s;
    }

    private static Tensor weightedSum(Tensor y, float[] r) {
        // L = Σ r_i y_i as a Linear op: [1, n] · [1, n]ᵀ
        Tensor flat = Rows.reshape(y, 1, r.length);
        return Linear.apply(flat, Tensor.of(r, 1, r.length));
    }
}
