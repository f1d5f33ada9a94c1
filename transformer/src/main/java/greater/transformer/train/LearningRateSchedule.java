package greater.transformer.train;

/**
 * Linear warm-up from peak/warmup to the peak over {@code warmup} steps, then a half cosine down to
 * {@code minLr} at the last step (Loshchilov and Hutter 2017, without restarts).
 */
public record LearningRateSchedule(double peakLr, double minLr, int warmup, int totalSteps) {
    public LearningRateSchedule {
        if (!(peakLr > 0) || minLr < 0 || minLr > peakLr) throw new IllegalArgumentException("need 0 <= minLr <= peakLr, peakLr > 0");
        if (warmup < 0 || totalSteps <= 0) throw new IllegalArgumentException("need warmup >= 0 and totalSteps > 0");
    }

    /** The rate for step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmup) return peakLr * (step + 1) / warmup;
        int span = Math.max(1, totalSteps - 1 - warmup);
        double progress = Math.min(1.0, (double) (step - warmup) / span);
        return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));
    }
}
