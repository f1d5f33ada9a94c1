package greater.optimizer.run;

import greater.optimizer.greater.GreaterListener;
import greater.optimizer.greater.RunState;
import greater.optimizer.greater.StepRecord;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr for long work: the phase of the current step while it runs, and one line per
 * finished step (position, candidates, loss, score, best prompt, elapsed, ETA). Silent when quiet.
 */
public final class Progress implements GreaterListener {
    private final PrintStream out;
    private final boolean quiet;
    private final int totalSteps;
    private final long started = System.nanoTime();
    private int stepsThisSession;
    private final boolean terminal = System.console() != null;

    public Progress(PrintStream out, boolean quiet, int totalSteps) {
        this.out = out;
        this.quiet = quiet;
        this.totalSteps = totalSteps;
    }

    public void message(String text) {
        if (!quiet) out.println(text);
    }

    /** A "k/n" counter for evaluations, redrawn in place on a terminal. */
    public void count(String what, int done, int of) {
        if (quiet) return;
        if (terminal) {
            out.print("\r" + what + " " + done + "/" + of + (done == of ? "\n" : ""));
        } else if (done == of || done % Math.max(1, of / 4) == 0) {
            out.println(what + " " + done + "/" + of);
        }
        out.flush();
    }

    @Override
    public void phase(int step, String phase) {
        if (!quiet && terminal) {
            out.print(String.format(Locale.ROOT, "\rstep %d/%d: %-10s", step + 1, totalSteps, phase));
            out.flush();
        }
    }

    @Override
    public void stepDone(StepRecord r, RunState state) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        stepDone(r, state, elapsed / (stepsThisSession + 1) * Math.max(0, totalSteps - state.step()));
    }

    /** One line for a finished step; {@code etaSeconds} is the caller's estimate of the time left. */
    public void stepDone(StepRecord r, RunState state, double etaSeconds) {
        stepsThisSession++;
        if (quiet) return;
        double elapsed = (System.nanoTime() - started) / 1e9;
        out.print(terminal ? "\r" : "");
        out.println(String.format(Locale.ROOT,
                "step %d/%d pos %d | %d candidates | loss %.3f | score %.3f (mistakes %.0f%%) | %s | best %.3f \"%s\" | %s elapsed, ETA %s",
                r.step() + 1, totalSteps, r.position(), r.candidates().size(), r.scores().gradientLoss(), r.scores().score(), 100 * r.scores().mistakeRate(),
                "'" + r.choice().chosenToken() + "'", state.bestScore(), shorten(r.choice().bestPrompt()),
                time(elapsed), time(etaSeconds)));
    }

    private static String shorten(String prompt) {
        return prompt.length() > 60 ? prompt.substring(0, 57) + "..." : prompt;
    }

    static String time(double s) {
        if (!Double.isFinite(s)) return "?";
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", (int) (s / 3600), (int) (s % 3600) / 60);
        return s < 60 ? String.format(Locale.ROOT, "%.0fs", s) : String.format(Locale.ROOT, "%dm%02ds", (int) s / 60, (int) s % 60);
    }
}
