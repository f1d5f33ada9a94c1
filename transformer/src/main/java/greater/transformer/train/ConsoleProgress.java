package greater.transformer.train;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The training progress display: one line every {@code every} steps (and at the last step) with
 * the step, the loss (this step and a running mean since the last line), the learning rate, the
 * gradient norm before clipping, throughput and the time left; one line per checkpoint.
 */
public final class ConsoleProgress implements Trainer.Listener {
    private final PrintStream out;
    private final int every;
    private double lossSum;
    private int lossCount;
    private long tokens;
    private long nanos;

    public ConsoleProgress(PrintStream out, int every) {
        this.out = out;
        this.every = Math.max(1, every);
    }

    @Override
    public void onStep(Trainer.StepStats s) {
        lossSum += s.loss();
        lossCount++;
        tokens += s.tokens();
        nanos += s.nanos();
        if (s.step() % every != 0 && s.step() != s.totalSteps() && s.step() != 1) return;
        double secs = nanos / 1e9;
        double perStep = secs / lossCount;
        long etaSeconds = Math.round(perStep * (s.totalSteps() - s.step()));
        out.printf("step %d/%d (%d%%)  loss %.4f  mean %.4f  lr %.2e  |grad| %.3f  %,.0f tok/s  elapsed %s  eta %s%n",
                s.step(), s.totalSteps(), 100L * s.step() / s.totalSteps(), s.loss(), lossSum / lossCount, s.lr(),
                s.gradNorm(), tokens / Math.max(1e-9, secs), clock(Math.round(s.trainSeconds())), clock(etaSeconds));
        out.flush();
        lossSum = 0;
        lossCount = 0;
        tokens = 0;
        nanos = 0;
    }

    @Override
    public void onCheckpoint(int step, Path file) {
        out.println("checkpoint at step " + step + ": " + file);
        out.flush();
    }

    static String clock(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, sec = seconds % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, sec) : String.format("%d:%02d", m, sec);
    }
}
