package greater.transformer.train;

import greater.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019), as {@code torch.optim.AdamW}:
 * <pre>
 *   p ← p·(1 − lr·λ)                       (only parameters marked for decay)
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 * </pre>
 * plus global-norm gradient clipping ({@code torch.nn.utils.clip_grad_norm_}). The moments and
 * the step count are exposed for checkpoints.
 */
public final class AdamW {
    private final List<Tensor> params;
    private final boolean[] decay;
    private final float[][] m, v;
    private final double beta1, beta2, eps, weightDecay;
    private long t;

    public AdamW(List<Tensor> params, boolean[] decay, double beta1, double beta2, double eps, double weightDecay) {
        if (decay.length != params.size()) throw new IllegalArgumentException("one decay flag per parameter");
        this.params = List.copyOf(params);
        this.decay = decay.clone();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[(int) params.get(i).size()];
            v[i] = new float[(int) params.get(i).size()];
        }
    }

    /** Steps taken so far (t in the bias corrections). */
    public long steps() {
        return t;
    }

    /** First moment of parameter i (live array, for checkpoints). */
    public float[] firstMoment(int i) {
        return m[i];
    }

    public float[] secondMoment(int i) {
        return v[i];
    }

    /** Restores moments and step count saved by a checkpoint. */
    public void restore(long steps, float[][] first, float[][] second) {
        for (int i = 0; i < m.length; i++) {
            if (first[i].length != m[i].length || second[i].length != v[i].length) throw new IllegalArgumentException("moment " + i + " has the wrong size");
            System.arraycopy(first[i], 0, m[i], 0, m[i].length);
            System.arraycopy(second[i], 0, v[i], 0, v[i].length);
        }
        this.t = steps;
    }

    /** The L2 norm of all gradients together (absent gradients count as zero). */
    public double gradNorm() {
        double sum = 0;
        for (Tensor p : params) {
            float[] g = p.grad();
            if (g == null) continue;
            for (float x : g) sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    /** Scales every gradient so that their global norm is at most {@code maxNorm}; returns the norm before clipping. */
    public double clipGradNorm(double maxNorm) {
        double norm = gradNorm();
        if (maxNorm > 0 && norm > maxNorm) {
            float s = (float) (maxNorm / (norm + 1e-6));
            for (Tensor p : params) {
                float[] g = p.grad();
                if (g == null) continue;
                for (int i = 0; i < g.length; i++) g[i] *= s;
            }
        }
        return norm;
    }

    /** One update with learning rate {@code lr} from the current gradients (missing gradients count as zero). */
    public void step(double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        float b1 = (float) beta1, b2 = (float) beta2;
        float stepSize = (float) (lr / c1);
        float invSqrtC2 = (float) (1 / Math.sqrt(c2));
        float e = (float) eps;
        for (int i = 0; i < params.size(); i++) {
            float[] p = params.get(i).data();
            float[] g = params.get(i).grad();
            float[] mi = m[i], vi = v[i];
            float keep = decay[i] ? (float) (1 - lr * weightDecay) : 1f;
            for (int j = 0; j < p.length; j++) {
                float gj = g == null ? 0f : g[j];
                mi[j] = b1 * mi[j] + (1 - b1) * gj;
                vi[j] = b2 * vi[j] + (1 - b2) * gj * gj;
                p[j] = p[j] * keep - stepSize * mi[j] / ((float) Math.sqrt(vi[j]) * invSqrtC2 + e);
            }
        }
    }
}
