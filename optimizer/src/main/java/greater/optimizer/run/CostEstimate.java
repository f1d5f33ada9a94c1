package greater.optimizer.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import greater.optimizer.greater.GreaterSettings;
import greater.optimizer.greater.PromptFormat;
import greater.optimizer.greater.SampleLayout;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;

import java.util.List;
import java.util.Locale;

/**
 * What a run will do, counted before it starts: samples, steps, candidates re-scored, and the
 * tokens generated and forwarded, as upper bounds (every reasoning runs to its limit; the prompt
 * as long as it can grow). Per train sample and step, with prompt length L, suffix S, target T,
 * reasoning limit R and C candidates re-scored (the prefix is cached unless prefix reuse is off):
 * <pre>
 *   reasoning   prefill L+S, generate R
 *   proposal    prefill ≤ L
 *   gradient    forward and backward over L+S+R+T
 *   selection   C × (prefill L+S, generate R, forward L+S+R+T)
 * </pre>
 * An evaluation costs per example a prefill of the whole question, R reasoning tokens, the
 * extractor and 12 answer tokens ({@code Evaluator}). The seconds are filled in by {@link #timed}
 * when the work was measured ({@code --dry-run}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CostEstimate(
        int trainSamples,
        int devSamples,
        int testSamples,
        int steps,
        int candidatesRescored,
        int devTopK,
        int reasoningLimit,
        long generatedPerStep,
        long forwardedPerStep,
        long backwardPerStep,
        long generatedBeforeSteps,
        long forwardedBeforeSteps,
        long generatedClosing,
        long forwardedClosing,
        long generatedTotal,
        long forwardedTotal,
        Double secondsPerSampleScore,
        Double secondsPerStep,
        Double secondsTotal) {

    private static final int ANSWER_TOKENS = 12;

    /** Token counts for a run of these examples and settings; no speed yet. */
    public static CostEstimate of(PromptFormat format, TaskPreset preset, List<Example> train, List<Example> dev, List<Example> test,
                                  String initialPrompt, GreaterSettings s, int devTopK) {
        long promptMax = format.encodePrompt(initialPrompt).length + (long) s.steps();
        int r = s.useReasoning() ? s.maxReasoningTokens() : 0;
        int c = s.selectionCandidates();
        long genStep = 0, fwdStep = 0, bwdStep = 0, genStart = 0, fwdStart = 0;
        for (Example e : train) {
            SampleLayout l = format.layout(e, preset.extractor());
            long p = s.prefixReuse() ? 0 : l.prefix().length;
            long context = promptMax + l.suffix().length + p;
            long whole = promptMax + l.suffix().length + r + l.target().length;
            genStep += (long) r * (1 + c);
            fwdStep += context + promptMax + whole + c * (context + whole);
            bwdStep += whole;
            genStart += r;                                           // the initial prompt's selection score
            fwdStart += l.prefix().length + context + whole;         // the prefix cache, then the score
        }
        int extractor = format.encode(" " + preset.extractor()).length;
        long genEval = 0, fwdEval = 0;
        for (Example e : test) {
            SampleLayout l = format.layout(e, preset.extractor());
            genEval += r + ANSWER_TOKENS;
            fwdEval += l.prefix().length + promptMax + l.suffix().length + extractor;
        }
        long genDev = 0, fwdDev = 0;
        int k = dev.isEmpty() ? 0 : devTopK;
        for (Example e : dev) {
            SampleLayout l = format.layout(e, preset.extractor());
            genDev += (long) k * (r + ANSWER_TOKENS);
            fwdDev += (long) k * (l.prefix().length + promptMax + l.suffix().length + extractor);
        }
        long genBefore = genStart + genEval, fwdBefore = fwdStart + fwdEval;    // + the initial prompt's test evaluation
        long genClosing = genDev + genEval, fwdClosing = fwdDev + fwdEval;      // dev top-k, then the final prompt on test
        return new CostEstimate(train.size(), dev.size(), test.size(), s.steps(), c, k, r, genStep, fwdStep, bwdStep,
                genBefore, fwdBefore, genClosing, fwdClosing,
                genBefore + s.steps() * genStep + genClosing, fwdBefore + s.steps() * (fwdStep + bwdStep) + fwdClosing,
                null, null, null);
    }

    /**
     * This estimate with seconds, from the measured time to score a prompt on one train sample
     * (regenerate its reasoning, then one forward over reasoning and answer): the work unit the
     * run repeats. A step is its reasoning refresh, its gradient (counted as two scorings: a
     * forward and a backward over the same tokens; the demo measures 1.5-3) and C re-scorings, so
     * (C + 3) scorings per sample; an evaluation costs about one scoring per example. The reasoning
     * is as long as under the initial prompt: a prompt that makes the model reason longer costs
     * more (the token counts are the bound for that).
     */
    public CostEstimate timed(double secondsPerSampleScore) {
        double step = (candidatesRescored + 3) * trainSamples * secondsPerSampleScore;
        double total = trainSamples * secondsPerSampleScore                               // the initial prompt's score
                + (2.0 * testSamples + (double) devTopK * devSamples) * secondsPerSampleScore  // evaluations
                + steps * step;
        return new CostEstimate(trainSamples, devSamples, testSamples, steps, candidatesRescored, devTopK, reasoningLimit,
                generatedPerStep, forwardedPerStep, backwardPerStep, generatedBeforeSteps, forwardedBeforeSteps, generatedClosing,
                forwardedClosing, generatedTotal, forwardedTotal, secondsPerSampleScore, step, total);
    }

    /** The estimate as printed before step 1. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "plan: %d steps over %d train samples, %d candidates re-scored per step; reasoning up to %d tokens%n",
                steps, trainSamples, candidatesRescored, reasoningLimit));
        sb.append(String.format(Locale.ROOT, "  per step (upper bound): %,d tokens generated, %,d forwarded, %,d back-propagated%n",
                generatedPerStep, forwardedPerStep, backwardPerStep));
        sb.append(String.format(Locale.ROOT, "  evaluations: initial and final prompt on %d test examples%s%n", testSamples,
                devTopK > 0 ? String.format(Locale.ROOT, ", top %d prompts on %d dev examples", devTopK, devSamples) : ""));
        sb.append(String.format(Locale.ROOT, "  whole run (upper bound): %,d tokens generated, %,d forwarded or back-propagated",
                generatedTotal, forwardedTotal));
        if (secondsTotal != null) {
            sb.append(String.format(Locale.ROOT, "%n  measured: %.3f s to score a prompt on one train sample; expected about %s per step, %s in all",
                    secondsPerSampleScore, Progress.time(secondsPerStep), Progress.time(secondsTotal)));
        }
        return sb.toString();
    }
}
