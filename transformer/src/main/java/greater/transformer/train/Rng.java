package greater.transformer.train;

import java.util.random.RandomGenerator;

/**
 * SplitMix64 (Steele, Lea and Flood 2014): a 64-bit state advanced by a constant and mixed, so the
 * whole generator is one {@code long} that a checkpoint stores and a resume restores exactly.
 * Every {@link RandomGenerator} default ({@code nextInt(bound)}, {@code nextDouble()}, ...) is
 * derived from {@link #nextLong()}, so those are reproducible too.
 */
public final class Rng implements RandomGenerator {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The generator's whole state (for checkpoints); {@code new Rng(state())} continues the same stream. */
    public long state() {
        return state;
    }

    @Override
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A standard normal sample by Box-Muller (one pair per call, the second value discarded: no hidden state). */
    public double gaussian() {
        double u1 = (nextLong() >>> 11) * 0x1.0p-53;
        double u2 = (nextLong() >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** An independent stream derived from this seed and a label (e.g. one for init, one for data). */
    public static Rng derive(long seed, long stream) {
        Rng r = new Rng(seed ^ (stream * 0xD1B54A32D192ED03L));
        r.nextLong();
        return new Rng(r.nextLong());
    }
}
