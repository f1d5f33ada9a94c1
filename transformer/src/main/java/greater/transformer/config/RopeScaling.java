package greater.transformer.config;

/**
 * Rotary frequency parameters of one layer type: base θ and the scaling rule ({@code rope_type}),
 * as transformers' {@code ROPE_INIT_FUNCTIONS} (modeling_rope_utils.py) computes them:
 * {@code default}; {@code linear} (frequencies / factor); {@code llama3} (Llama 3.1's
 * wavelength-dependent interpolation); {@code dynamic} (NTK-aware: θ grows once the sequence is
 * longer than {@code maxPositions}, equal to default below); {@code longrope} (Phi-3: per-frequency
 * {@code shortFactor} up to {@code originalMaxPositions} positions, {@code longFactor} beyond, and
 * cos/sin multiplied by {@code attentionFactor}).
 *
 * @param maxPositions  {@code max_position_embeddings} (dynamic: where scaling starts)
 * @param shortFactor   longrope divisors for sequences up to originalMaxPositions, [rotaryDim/2]; else null
 * @param longFactor    longrope divisors beyond it, [rotaryDim/2]; else null
 * @param attentionFactor multiplier of cos and sin (1 except longrope)
 */
public record RopeScaling(String type, double theta, double factor, double lowFreqFactor,
                          double highFreqFactor, int originalMaxPositions, int maxPositions,
                          double[] shortFactor, double[] longFactor, double attentionFactor) {

    public RopeScaling(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                       int originalMaxPositions) {
        this(type, theta, factor, lowFreqFactor, highFreqFactor, originalMaxPositions, 0, null, null, 1.0);
    }

    public static RopeScaling plain(double theta) {
        return new RopeScaling("default", theta, 1, 0, 0, 0);
    }

    /** True when the frequencies depend on the sequence length (dynamic, longrope). */
    public boolean dependsOnLength() {
        return type.equals("dynamic") || type.equals("longrope");
    }

    /**
     * {@code invFreq[i] = θ^(-2i/d)} for i &lt; d/2 (d = the rotary dimension: head_dim, or Phi-3's
     * head_dim · partial_rotary_factor), then the scaling rule, exponents in float32 as torch does.
     * {@code seqLen} (max position + 1 of the call, 0 = unknown) selects dynamic's θ and longrope's
     * factor set, as transformers' {@code dynamic_rope_update} does for each forward.
     */
    public float[] inverseFrequencies(int dim, int seqLen) {
        int half = dim / 2;
        float[] inv = new float[half];
        double base = type.equals("dynamic") ? dynamicBase(dim, seqLen) : theta;
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / dim;
            inv[i] = (float) (1.0 / Math.pow(base, exponent));
        }
        switch (type) {
            case "default", "dynamic" -> {
            }
            case "linear" -> {
                for (int i = 0; i < half; i++) inv[i] = (float) (inv[i] / factor);
            }
            case "llama3" -> llama3(inv);
            case "longrope" -> {
                // inv_freq = 1 / (ext_factors · base^(2i/d)), all float32
                double[] ext = seqLen > originalMaxPositions ? longFactor : shortFactor;
                for (int i = 0; i < half; i++) {
                    float power = (float) Math.pow(theta, (float) (2 * i) / dim);
                    inv[i] = 1f / ((float) ext[i] * power);
                }
            }
            default -> throw new IllegalStateException("unsupported rope_type " + type);
        }
        return inv;
    }

    /**
     * Dynamic NTK ({@code _compute_dynamic_ntk_parameters}): for seqLen &gt; maxPositions,
     * θ' = θ · (factor · seqLen / maxPositions − (factor − 1))^(d / (d − 2)), in float32 like the
     * tensor arithmetic there; θ below.
     */
    private double dynamicBase(int dim, int seqLen) {
        if (seqLen <= maxPositions) return theta;
        float f = (float) factor;
        float ratio = f * seqLen / maxPositions - (f - 1);
        return (float) (theta * (float) Math.pow(ratio, (double) dim / (dim - 2)));
    }

    /**
     * Llama 3.1 scaling ({@code _compute_llama3_parameters}): wavelengths longer than
     * original/lowFreqFactor are divided by factor, shorter than original/highFreqFactor kept,
     * and the band between is interpolated smoothly.
     */
    private void llama3(float[] inv) {
        double lowWavelen = originalMaxPositions / lowFreqFactor;
        double highWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < inv.length; i++) {
            float f = inv[i];
            float wavelen = (float) (2 * Math.PI / f);
            float scaled = wavelen > lowWavelen ? (float) (f / factor) : f;
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            if (medium) {
                float smooth = (float) ((originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor));
                scaled = (float) ((1 - smooth) * scaled / factor + smooth * scaled);
            }
            inv[i] = scaled;
        }
    }

    /** One line for {@code greater inspect}: type, θ and the parameters that matter for it. */
    public String describe() {
        String t = String.format("%s, theta %s", type, theta);
        return switch (type) {
            case "linear" -> t + ", factor " + factor;
            case "llama3" -> t + ", factor " + factor + ", low/high " + lowFreqFactor + "/" + highFreqFactor + ", original " + originalMaxPositions;
            case "dynamic" -> t + ", factor " + factor + " beyond " + maxPositions + " positions";
            case "longrope" -> t + ", short/long factors switch beyond " + originalMaxPositions + " positions, attention factor "
                    + String.format("%.4f", attentionFactor);
            default -> t;
        };
    }
}
