package greater.transformer.config;

/**
 * Rotary frequency parameters: base θ and the scaling rule ({@code rope_type}).
 * Supported: {@code default}, {@code linear} (frequencies / factor) and {@code llama3}
 * (Llama 3.1's wavelength-dependent interpolation).
 */
public record RopeScaling(String type, double theta, double factor, double lowFreqFactor,
                          double highFreqFactor, int originalMaxPositions) {

    public static RopeScaling plain(double theta) {
        return new RopeScaling("default", theta, 1, 0, 0, 0);
    }

    /**
     * {@code invFreq[i] = θ^(-2i/d)} for i &lt; d/2, then the scaling rule, as transformers'
     * {@code ROPE_INIT_FUNCTIONS} computes it (exponents in float32, cast once).
     */
    public float[] inverseFrequencies(int headDim) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / headDim;
            inv[i] = (float) (1.0 / Math.pow(theta, exponent));
        }
        switch (type) {
            case "default" -> {
            }
            case "linear" -> {
                for (int i = 0; i < half; i++) inv[i] = (float) (inv[i] / factor);
            }
            case "llama3" -> llama3(inv);
            default -> throw new IllegalStateException("unsupported rope_type " + type);
        }
        return inv;
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
}
