package greater.optimizer.greater;

import java.util.Arrays;

/**
 * Spearman's rank correlation ρ: the Pearson correlation of the two samples' ranks, tied values
 * sharing their mean rank. +1 when both put the items in the same order, −1 when in reverse.
 */
final class RankCorrelation {
    private RankCorrelation() {
    }

    /** ρ of {@code a} and {@code b} (same length); NaN when fewer than 2 items or one side is constant. */
    static double spearman(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        if (a.length < 2) return Double.NaN;
        double[] ra = ranks(a), rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0), mb = Arrays.stream(rb).average().orElse(0);
        double cov = 0, va = 0, vb = 0;
        for (int i = 0; i < ra.length; i++) {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
    }

    /** 1-based ranks in ascending order; ties get the mean of the ranks they span. */
    static double[] ranks(float[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (p, q) -> Float.compare(x[p], x[q]));
        double[] r = new double[x.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && x[idx[j + 1]] == x[idx[i]]) j++;
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) r[idx[k]] = mean;
            i = j + 1;
        }
        return r;
    }
}
