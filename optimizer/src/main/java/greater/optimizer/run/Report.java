package greater.optimizer.run;

import greater.optimizer.greater.StepRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained file (inline SVG and CSS, no scripts, nothing fetched)
 * with the run's summary and one chart per quantity, each on its own axes with ticks and step
 * numbers: the selection score of the chosen prompt with the best so far, the gradient loss, the
 * seconds of each phase per step, and the accuracies of every prompt that was evaluated (initial
 * and final on test, the top-k on dev).
 */
final class Report {
    private static final int W = 820, H = 260, LEFT = 64, RIGHT = 16, TOP = 28, BOTTOM = 44;

    private Report() {
    }

    /** A series on a chart: x and y values, drawn as a polyline (a staircase when {@code steps}). */
    private record Series(String name, String color, double[] x, double[] y, boolean steps) {
    }

    static String html(RunResult r, List<StepRecord> steps) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GReaTer run: ").append(esc(r.task()))
                .append("</title><style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}"
                        + "td,th{padding:2px 8px;text-align:left;vertical-align:top}code{background:#f4f4f4}"
                        + "table.steps td{font-size:13px}h2{margin-top:1.6em}svg{display:block}</style></head><body>");
        sb.append("<h1>GReaTer: ").append(esc(r.task())).append("</h1><table>");
        row(sb, "model", r.model());
        row(sb, "initial prompt", r.outcome().initial_prompt());
        row(sb, "final prompt", r.outcome().final_prompt());
        if (r.selection() != null) row(sb, "chosen by", r.selection().rule() + ": " + r.selection().reason());
        RunResult.Sizes split = r.sizes();
        row(sb, "test accuracy", pct(r.outcome().initial_accuracy()) + " → " + pct(r.outcome().final_accuracy()) + " on " + split.test_size() + " test examples");
        row(sb, "splits", split.train_size() + " train, " + split.dev_size() + " dev, " + split.test_size() + " test");
        row(sb, "steps", r.method().steps() + " (" + String.format(Locale.ROOT, "%.1f s for the last command, %.2f s/step",
                r.timings().seconds(), r.timings().seconds_per_step()) + ")");
        if (r.status() != null) row(sb, "status", r.status());
        if (r.estimate() != null) {
            row(sb, "estimate (upper bound)", String.format(Locale.ROOT, "%,d tokens generated per step, %,d in the whole run",
                    r.estimate().generatedPerStep(), r.estimate().generatedTotal()));
        }
        row(sb, "gradient", r.method().reasoning() ? "over the model's reasoning" : "ablation: from the answer directly, no reasoning");
        row(sb, "draft verification", drafts(steps.stream().mapToInt(s -> s.drafts().draftTokens()).sum(),
                steps.stream().mapToInt(s -> s.drafts().draftAccepted()).sum()) + "; reasoning carried over from selection in "
                + steps.stream().filter(s -> s.drafts().reasoningReused()).count() + " of " + steps.size() + " steps");
        sb.append("</table>");

        int n = steps.size();
        double[] xs = new double[n + 1];
        for (int i = 0; i <= n; i++) xs[i] = i;
        double[] score = new double[n + 1], best = new double[n + 1];
        score[0] = best[0] = r.outcome().initial_score();
        for (int i = 0; i < n; i++) {
            score[i + 1] = steps.get(i).scores().score();
            best[i + 1] = Math.min(best[i], score[i + 1]);
        }
        sb.append("<h2>Selection score on train (lower is better)</h2>");
        sb.append("<p>Mistake rate plus the fluency term of the prompt chosen at each step; step 0 is the initial prompt.</p>");
        sb.append(chart("selection score", "step", List.of(
                new Series("chosen prompt", "#d62728", xs, score, false),
                new Series("best so far", "#2ca02c", xs, best, true)), 0, n, true));

        double[] sx = new double[n], loss = new double[n];
        for (int i = 0; i < n; i++) {
            sx[i] = i + 1;
            loss[i] = steps.get(i).scores().gradientLoss();
        }
        sb.append("<h2>Gradient loss</h2><p>Mean answer loss (at the answer temperature) plus the fluency term, over the train samples, at each gradient step.</p>");
        sb.append(chart("loss", "step", List.of(new Series("gradient-step loss", "#1f77b4", sx, loss, false)), 0, n, true));

        sb.append("<h2>Seconds per step, by phase</h2><p>Reasoning is what a step generates under its current prompt before the "
                + "gradient; gradient includes the candidate proposal. A step whose reasoning was carried over ("
                + steps.stream().filter(s -> s.drafts().reasoningReused()).count() + " of " + n + " here) generates nothing then: "
                + "that reasoning was generated, and counted, under the previous step's selection (the first step's when the "
                + "initial prompt was scored, before any step).</p>");
        sb.append(phaseBars(steps));

        sb.append("<h2>Accuracy of the prompts evaluated</h2>");
        sb.append(accuracyBars(r));

        sb.append("<h2>Steps</h2><table class=\"steps\"><tr><th>step</th><th>pos</th><th>chosen</th><th>score</th><th>s</th><th>reasoning drafts accepted</th><th>prompt</th></tr>");
        for (StepRecord s : steps) {
            sb.append("<tr><td>").append(s.step() + 1).append("</td><td>").append(s.position()).append("</td><td><code>")
                    .append(esc(s.choice().chosenToken())).append("</code></td><td>").append(String.format(Locale.ROOT, "%.4f", s.scores().score()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", s.timings().seconds()))
                    .append("</td><td>").append(esc(drafts(s.drafts().draftTokens(), s.drafts().draftAccepted())))
                    .append("</td><td>").append(esc(s.choice().prompt())).append("</td></tr>");
        }
        sb.append("</table></body></html>\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    /** "45 of 64 draft tokens accepted (70.3%)", or "no drafts". */
    private static String drafts(int drafted, int accepted) {
        return drafted == 0 ? "no drafts" : accepted + " of " + drafted + " draft tokens accepted (" + pct((double) accepted / drafted) + ")";
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** Lines on their own axes: y ticks from the data's range (from 0 when {@code fromZero}), x ticks at step numbers. */
    private static String chart(String yName, String xName, List<Series> series, int xMin, int xMax, boolean fromZero) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y()) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo == Double.POSITIVE_INFINITY) lo = hi = 0;
        if (fromZero) lo = Math.min(0, lo);
        double[] ticks = ticks(lo, hi, 5);
        lo = ticks[0];
        hi = ticks[ticks.length - 1];
        StringBuilder sb = svgStart(W, H);
        Axes axes = new Axes(xMin, Math.max(xMax, xMin + 1), lo, hi);
        for (double t : ticks) {
            double y = axes.y(t);
            sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#eee'/>", LEFT, y, W - RIGHT, y));
            sb.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>", LEFT - 6, y + 4, num(t)));
        }
        xAxis(sb, axes, xName);
        sb.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='11' transform='rotate(-90 14 %d)' text-anchor='middle'>%s</text>",
                TOP + (H - TOP - BOTTOM) / 2, TOP + (H - TOP - BOTTOM) / 2, esc(yName)));
        int legendX = LEFT + 10;
        for (Series s : series) {
            sb.append(polyline(s, axes));
            sb.append(String.format(Locale.ROOT, "<rect x='%d' y='8' width='12' height='3' fill='%s'/><text x='%d' y='14' font-size='12'>%s</text>",
                    legendX, s.color(), legendX + 16, esc(s.name())));
            legendX += 30 + 7 * s.name().length();
        }
        return sb.append("</svg>").toString();
    }

    private record Axes(double x0, double x1, double y0, double y1) {
        double x(double v) {
            return LEFT + (W - LEFT - RIGHT) * (v - x0) / (x1 - x0);
        }

        double y(double v) {
            return (H - BOTTOM) - (H - BOTTOM - TOP) * (v - y0) / (y1 - y0 == 0 ? 1 : y1 - y0);
        }
    }

    private static void xAxis(StringBuilder sb, Axes a, String name) {
        int base = H - BOTTOM;
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#888'/>", LEFT, base, W - RIGHT, base));
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#888'/>", LEFT, TOP, LEFT, base));
        int span = (int) (a.x1() - a.x0());
        int every = Math.max(1, (int) Math.ceil(span / 12.0));
        for (int v = (int) Math.ceil(a.x0()); v <= a.x1(); v += every) {
            double x = a.x(v);
            sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#888'/>", x, base, x, base + 4));
            sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%d</text>", x, base + 16, v));
        }
        sb.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' text-anchor='middle'>%s</text>", (LEFT + W - RIGHT) / 2, H - 6, esc(name)));
    }

    private static String polyline(Series s, Axes a) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.y()[i])) continue;
            if (s.steps() && i > 0) pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", a.x(s.x()[i]), a.y(s.y()[i - 1])));
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", a.x(s.x()[i]), a.y(s.y()[i])));
        }
        StringBuilder out = new StringBuilder("<polyline fill='none' stroke='" + s.color() + "' stroke-width='2' points='" + pts.toString().trim() + "'/>");
        if (!s.steps()) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    out.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s'><title>step %s: %s</title></circle>",
                            a.x(s.x()[i]), a.y(s.y()[i]), s.color(), num(s.x()[i]), num(s.y()[i])));
                }
            }
        }
        return out.toString();
    }

    /** Stacked bars: reasoning, gradient, selection and the rest (proposal, bookkeeping) of each step. */
    private static String phaseBars(List<StepRecord> steps) {
        int n = steps.size();
        double hi = 0;
        for (StepRecord s : steps) hi = Math.max(hi, s.timings().seconds());
        double[] ticks = ticks(0, hi, 5);
        Axes a = new Axes(0.5, n + 0.5, 0, ticks[ticks.length - 1]);
        StringBuilder sb = svgStart(W, H);
        for (double t : ticks) {
            double y = a.y(t);
            sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#eee'/>", LEFT, y, W - RIGHT, y));
            sb.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>", LEFT - 6, y + 4, num(t)));
        }
        String[] names = {"reasoning", "gradient", "selection", "other"};
        String[] colors = {"#9467bd", "#1f77b4", "#ff7f0e", "#bbbbbb"};
        double bw = Math.max(2, (W - LEFT - RIGHT) / Math.max(1.0, n) * 0.7);
        for (StepRecord s : steps) {
            StepRecord.Timings t = s.timings();
            double[] parts = {t.generationSeconds(), t.gradientSeconds(), t.selectionSeconds(),
                    Math.max(0, t.seconds() - t.generationSeconds() - t.gradientSeconds() - t.selectionSeconds())};
            double acc = 0, x = a.x(s.step() + 1) - bw / 2;
            for (int p = 0; p < parts.length; p++) {
                double y0 = a.y(acc), y1 = a.y(acc + parts[p]);
                sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>step %d %s: %.2f s</title></rect>",
                        x, y1, bw, Math.max(0, y0 - y1), colors[p], s.step() + 1, names[p], parts[p]));
                acc += parts[p];
            }
        }
        xAxis(sb, a, "step");
        sb.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='11' transform='rotate(-90 14 %d)' text-anchor='middle'>seconds</text>",
                TOP + (H - TOP - BOTTOM) / 2, TOP + (H - TOP - BOTTOM) / 2));
        int lx = LEFT + 10;
        for (int p = 0; p < names.length; p++) {
            sb.append(String.format(Locale.ROOT, "<rect x='%d' y='6' width='10' height='10' fill='%s'/><text x='%d' y='15' font-size='12'>%s</text>",
                    lx, colors[p], lx + 14, names[p]));
            lx += 30 + 7 * names[p].length();
        }
        return sb.append("</svg>").toString();
    }

    /** One horizontal bar per evaluated prompt, 0-100% axis with ticks. */
    private static String accuracyBars(RunResult r) {
        record Bar(String label, String split, double accuracy, String color) {
        }
        List<Bar> bars = new ArrayList<>();
        bars.add(new Bar("initial: " + r.outcome().initial_prompt(), "test", r.outcome().initial_accuracy(), "#999999"));
        if (r.selection() != null) {
            for (DevSelection.Candidate c : r.selection().candidates()) {
                if (c.devAccuracy() != null) {
                    bars.add(new Bar((c.prompt().equals(r.outcome().final_prompt()) ? "chosen: " : "") + c.prompt(), "dev", c.devAccuracy(), "#17becf"));
                }
            }
        }
        bars.add(new Bar("final: " + r.outcome().final_prompt(), "test", r.outcome().final_accuracy(), "#2ca02c"));
        int rowH = 26, left = 330, right = 60, top = 10, h = top + rowH * bars.size() + 30;
        StringBuilder sb = svgStart(W, h);
        double plot = W - left - right;
        for (int t = 0; t <= 100; t += 20) {
            double x = left + plot * t / 100.0;
            sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#eee'/>", x, top, x, h - 26));
            sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%d%%</text>", x, h - 12, t));
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * rowH;
            String label = b.split() + " | " + b.label();
            if (label.length() > 52) label = label.substring(0, 49) + "...";
            sb.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='12' text-anchor='end'>%s<title>%s</title></text>",
                    left - 6, y + 16, esc(label), esc(b.split() + ": " + b.label())));
            sb.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%.1f' height='18' fill='%s'/>", left, y + 3, plot * b.accuracy(), b.color()));
            sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12'>%s</text>", left + plot * b.accuracy() + 4, y + 16, pct(b.accuracy())));
        }
        return sb.append("</svg>").toString();
    }

    private static StringBuilder svgStart(int w, int h) {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' font-family='sans-serif'>", w, h, w, h));
    }

    /** About {@code count} round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
    static double[] ticks(double lo, double hi, int count) {
        if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.1);
        double raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double start = Math.floor(lo / step) * step, end = Math.ceil(hi / step) * step;
        int k = (int) Math.round((end - start) / step);
        double[] out = new double[k + 1];
        for (int i = 0; i <= k; i++) out[i] = start + i * step;
        return out;
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return String.format(Locale.ROOT, "%d", (long) v);
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
