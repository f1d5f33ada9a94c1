package greater.transformer.train;

import greater.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW and the schedule against hand-computed values (torch.optim.AdamW semantics). */
class TrainOptimizerTest {
    @Test
    void adamWMatchesTheFormula() {
        Tensor w = Tensor.of(new float[]{1f, -2f}, 2).requiresGrad(true);
        Tensor n = Tensor.of(new float[]{0.5f}, 1).requiresGrad(true);
        AdamW adam = new AdamW(List.of(w, n), new boolean[]{true, false}, 0.9, 0.999, 1e-8, 0.1);
        double[] m = new double[3], v = new double[3], p = {1, -2, 0.5};
        double[][] grads = {{0.3, -0.1, 2.0}, {-0.2, 0.4, 1.0}};
        double lr = 0.01;
        for (int t = 1; t <= 2; t++) {
            double[] g = grads[t - 1];
            w.gradBuffer()[0] = (float) g[0];
            w.gradBuffer()[1] = (float) g[1];
            n.gradBuffer()[0] = (float) g[2];
            adam.step(lr);
            w.zeroGrad();
            n.zeroGrad();
            for (int i = 0; i < 3; i++) {
                if (i < 2) p[i] *= 1 - lr * 0.1;            // decoupled decay, matrices only
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(0.9, t)), vh = v[i] / (1 - Math.pow(0.999, t));
                p[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        assertEquals(p[0], w.data()[0], 1e-6);
        assertEquals(p[1], w.data()[1], 1e-6);
        assertEquals(p[2], n.data()[0], 1e-6);
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        Tensor a = Tensor.of(new float[]{3f}, 1).requiresGrad(true);
        Tensor b = Tensor.of(new float[]{0f, 0f}, 2).requiresGrad(true);
        a.gradBuffer()[0] = 3f;
        b.gradBuffer()[1] = 4f;
        AdamW adam = new AdamW(List.of(a, b), new boolean[]{false, false}, 0.9, 0.95, 1e-8, 0);
        assertEquals(5.0, adam.clipGradNorm(1.0), 1e-6);
        assertEquals(0.6, a.grad()[0], 1e-6);
        assertEquals(0.8, b.grad()[1], 1e-6);
        assertEquals(1.0, adam.gradNorm(), 1e-6);
    }

    @Test
    void warmupThenCosine() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 0.1, 10, 110);
        assertEquals(0.1, s.at(0), 1e-12);
        assertEquals(1.0, s.at(9), 1e-12);
        assertEquals(1.0, s.at(10), 1e-12);
        assertEquals(0.55, s.at(59), 0.02);
        assertEquals(0.1, s.at(109), 1e-12);
        for (int i = 11; i < 110; i++) assertEquals(true, s.at(i) <= s.at(i - 1), "monotone after warm-up");
    }
}
