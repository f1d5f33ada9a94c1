package greater.optimizer.run;

import greater.tensor.SettingException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit on one command's spending ({@code --budget}): wall-clock minutes or generated tokens.
 * Before each step the run asks whether that step and the closing evaluations (dev top-k, final
 * test) still fit; if not it stops there, evaluates the best prompt so far, and leaves a folder
 * that {@code --resume} continues. Tokens are counted at their upper bound ({@link CostEstimate}),
 * so a token budget is never exceeded by the optimization; seconds use the measured mean step.
 * A budget is not part of a run's identity: a resumed run may be given a new one.
 */
public record Budget(double seconds, long generatedTokens) {
    public static final Budget NONE = new Budget(Double.POSITIVE_INFINITY, Long.MAX_VALUE);
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKM]?)\\s*(s|sec|min|m|h|tokens?|tok)",
            Pattern.CASE_INSENSITIVE);

    /**
     * Parses {@code 90s}, {@code 20min}, {@code 1.5h}, {@code 50000tokens}, {@code 200k tokens},
     * {@code 2M tokens}.
     *
     * @throws SettingException ({@code budget}) when the text is none of these
     */
    public static Budget parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new SettingException("budget", "'" + text + "' is neither a time (90s, 20min, 1.5h) nor a token count (50000tokens, 200k tokens)");
        }
        double v = Double.parseDouble(m.group(1));
        String mult = m.group(2), unit = m.group(3).toLowerCase(Locale.ROOT);
        if (unit.startsWith("tok")) {
            double n = v * switch (mult.toUpperCase(Locale.ROOT)) {
                case "K" -> 1e3;
                case "M" -> 1e6;
                default -> 1;
            };
            if (n < 1 || n > Long.MAX_VALUE / 2) throw new SettingException("budget", text + " is not a usable token count");
            return new Budget(Double.POSITIVE_INFINITY, (long) n);
        }
        if (!mult.isEmpty()) throw new SettingException("budget", "'" + text + "': k and M multiply token counts, not times");
        double s = v * switch (unit) {
            case "min", "m" -> 60;
            case "h" -> 3600;
            default -> 1;
        };
        if (!(s > 0)) throw new SettingException("budget", text + " is not a positive time");
        return new Budget(s, Long.MAX_VALUE);
    }

    /**
     * Why the next step does not fit, or null when it does.
     *
     * @param elapsed        seconds this command has run
     * @param stepSeconds    the measured mean step, NaN before the first step of this command
     * @param closingSeconds the closing evaluations' estimated seconds (NaN when unknown)
     * @param spent          generated tokens this command has spent (upper bound)
     */
    String exceeded(double elapsed, double stepSeconds, double closingSeconds, long spent, long stepTokens, long closingTokens) {
        if (generatedTokens != Long.MAX_VALUE && spent + stepTokens + closingTokens > generatedTokens) {
            return String.format(Locale.ROOT, "the token budget (%,d generated tokens): %,d spent, the next step and the closing evaluations need up to %,d more",
                    generatedTokens, spent, stepTokens + closingTokens);
        }
        if (Double.isFinite(seconds)) {
            double need = (Double.isNaN(stepSeconds) ? 0 : stepSeconds) + (Double.isNaN(closingSeconds) ? 0 : closingSeconds);
            if (elapsed + need > seconds) {
                return String.format(Locale.ROOT, "the time budget (%s): %s elapsed, the next step and the closing evaluations need about %s more",
                        Progress.time(seconds), Progress.time(elapsed), Progress.time(need));
            }
        }
        return null;
    }

    @Override
    public String toString() {
        if (this.equals(NONE)) return "none";
        return Double.isFinite(seconds) ? Progress.time(seconds) : String.format(Locale.ROOT, "%,d generated tokens", generatedTokens);
    }
}
