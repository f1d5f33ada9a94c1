package greater.optimizer.run;

import greater.optimizer.greater.StepRecord;

import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: the run's summary and its curves (gradient loss and selection score per
 * step, accuracy before and after) as inline SVG, readable offline with no scripts.
 */
final class Report {
    private Report() {
    }

    static String html(RunResult r, List<StepRecord> steps) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>GReaTer run: ").append(esc(r.task()))
                .append("</title><style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}"
                        + "td,th{padding:2px 8px;text-align:left;vertical-align:top}code{background:#f4f4f4}</style></head><body>");
        sb.append("<h1>GReaTer: ").append(esc(r.task())).append("</h1>");
        sb.append("<table>");
        row(sb, "model", r.model());
        row(sb, "initial prompt", r.initial_prompt());
        row(sb, "final prompt", r.final_prompt());
        row(sb, "accuracy", pct(r.initial_accuracy()) + " → " + pct(r.final_accuracy()) + " on " + r.test_size() + " held-out examples");
        row(sb, "steps", r.steps() + " (" + String.format(Locale.ROOT, "%.1f s, %.2f s/step", r.seconds(), r.seconds_per_step()) + ")");
        row(sb, "gradient", r.reasoning() ? "over the model's reasoning" : "ablation: from the answer directly, no reasoning");
        row(sb, "draft verification", drafts(steps.stream().mapToInt(StepRecord::draftTokens).sum(),
                steps.stream().mapToInt(StepRecord::draftAccepted).sum()) + "; reasoning carried over from selection in "
                + steps.stream().filter(StepRecord::reasoningReused).count() + " of " + steps.size() + " steps");
        sb.append("</table>");
        sb.append("<h2>Loss per step</h2>");
        sb.append(chart(steps.stream().mapToDouble(StepRecord::gradientLoss).toArray(), "gradient-step loss", "#1f77b4",
                steps.stream().mapToDouble(StepRecord::score).toArray(), "selection score of the chosen prompt", "#d62728"));
        sb.append("<h2>Accuracy</h2>");
        sb.append(bars(r.initial_accuracy(), r.final_accuracy()));
        sb.append("<h2>Steps</h2><table><tr><th>step</th><th>pos</th><th>chosen</th><th>score</th><th>reasoning drafts accepted</th><th>prompt</th></tr>");
        for (StepRecord s : steps) {
            sb.append("<tr><td>").append(s.step()).append("</td><td>").append(s.position()).append("</td><td><code>")
                    .append(esc(s.chosenToken())).append("</code></td><td>").append(String.format(Locale.ROOT, "%.4f", s.score()))
                    .append("</td><td>").append(esc(drafts(s.draftTokens(), s.draftAccepted()))).append("</td><td>").append(esc(s.prompt())).append("</td></tr>");
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

    /** Two polylines on shared axes. */
    private static String chart(double[] a, String aName, String aColor, double[] b, String bName, String bColor) {
        int w = 800, h = 260, pad = 40;
        double max = 1e-9, min = 0;
        for (double v : a) max = Math.max(max, v);
        for (double v : b) max = Math.max(max, v);
        int n = Math.max(2, Math.max(a.length, b.length));
        StringBuilder sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\">");
        sb.append("<line x1='").append(pad).append("' y1='").append(h - pad).append("' x2='").append(w - 10).append("' y2='").append(h - pad).append("' stroke='#888'/>");
        sb.append("<line x1='").append(pad).append("' y1='10' x2='").append(pad).append("' y2='").append(h - pad).append("' stroke='#888'/>");
        sb.append(String.format(Locale.ROOT, "<text x='2' y='16' font-size='11'>%.3g</text><text x='2' y='%d' font-size='11'>0</text>", max, h - pad));
        sb.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11'>step</text>", w / 2, h - 8));
        sb.append(line(a, aColor, n, max, min, w, h, pad)).append(line(b, bColor, n, max, min, w, h, pad));
        sb.append("<text x='").append(pad + 10).append("' y='24' fill='").append(aColor).append("' font-size='12'>").append(esc(aName)).append("</text>");
        sb.append("<text x='").append(pad + 10).append("' y='40' fill='").append(bColor).append("' font-size='12'>").append(esc(bName)).append("</text>");
        return sb.append("</svg>").toString();
    }

    private static String line(double[] v, String color, int n, double max, double min, int w, int h, int pad) {
        if (v.length == 0) return "";
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            double x = pad + (w - pad - 10) * (double) i / (n - 1);
            double y = (h - pad) - (h - pad - 10) * (v[i] - min) / (max - min);
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<polyline fill='none' stroke='" + color + "' stroke-width='2' points='" + pts.toString().trim() + "'/>";
    }

    private static String bars(double before, double after) {
        int w = 400, h = 200;
        double bh = (h - 40) * before, ah = (h - 40) * after;
        return String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'>"
                        + "<rect x='60' y='%.1f' width='100' height='%.1f' fill='#999'/><text x='70' y='%d' font-size='12'>initial %.1f%%</text>"
                        + "<rect x='220' y='%.1f' width='100' height='%.1f' fill='#2ca02c'/><text x='230' y='%d' font-size='12'>final %.1f%%</text></svg>",
                w, h, h - 20 - bh, bh, h - 4, 100 * before, h - 20 - ah, ah, h - 4, 100 * after);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
