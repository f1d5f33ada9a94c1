package greater.optimizer.eval;

import greater.optimizer.greater.PromptFormat;
import greater.optimizer.greater.ReasoningStop;
import greater.optimizer.greater.SampleLayout;
import greater.tensor.SettingException;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.UserInputException;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Generator;
import greater.transformer.infer.Request;
import greater.transformer.infer.Stage;
import greater.transformer.infer.StageResult;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * GReaTer's evaluation (docs/ALGORITHM.md §4): for each example, greedy reasoning with the
 * prompt (ended by the {@link ReasoningStop} rule the prompt was optimized under), then the
 * extractor, then greedy answer tokens; correct when the answer read from them equals the gold
 * answer under the task's format. All examples run as one continuous batch (each
 * a two-stage sequence: reasoning, then extractor ⊕ answer in the same cache) under the token
 * budget.
 */
public final class Evaluator {
    private static final int ANSWER_TOKENS = 12;
    private final Transformer model;
    private final PromptFormat format;
    private final TaskPreset preset;
    private final int maxReasoningTokens;
    private final ReasoningStop reasoningStop;
    private final int tokenBudget;

    /** The official code's reasoning (to the end of the turn), the default token budget. */
    public Evaluator(Transformer model, PromptFormat format, TaskPreset preset, int maxReasoningTokens) {
        this(model, format, preset, maxReasoningTokens, ReasoningStop.END_OF_TURN, Generator.DEFAULT_TOKEN_BUDGET);
    }

    /**
     * @param maxReasoningTokens most reasoning tokens per example (the run's {@code GreaterSettings.maxReasoningTokens})
     * @param reasoningStop      where reasoning ends: the rule the optimizer scored prompts under
     * @param tokenBudget        KV positions held at once (1: one example at a time)
     * @throws SettingException ({@code maxReasoningTokens}, {@code tokenBudget}) for a value below 1
     */
    public Evaluator(Transformer model, PromptFormat format, TaskPreset preset, int maxReasoningTokens, ReasoningStop reasoningStop,
                     int tokenBudget) {
        SettingException.atLeast("maxReasoningTokens", maxReasoningTokens, 1);
        SettingException.atLeast("tokenBudget", tokenBudget, 1);
        this.model = model;
        this.format = format;
        this.preset = preset;
        this.maxReasoningTokens = maxReasoningTokens;
        this.reasoningStop = reasoningStop;
        this.tokenBudget = tokenBudget;
    }

    public Evaluation evaluate(String prompt, List<Example> examples, IntConsumer progress) {
        int[] promptIds = format.encodePrompt(prompt);
        if (promptIds.length == 0) throw new UserInputException("the prompt '" + prompt + "' tokenizes to nothing");
        int[] extractor = format.encode(" " + preset.extractor());
        GenerationOptions reasoningOpts = reasoningStop.options(maxReasoningTokens, format, preset.extractor());
        GenerationOptions answerOpts = GenerationOptions.greedy(ANSWER_TOKENS, format.stopIds());
        List<Request> requests = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        for (Example e : examples) {
            SampleLayout layout = format.layout(e, preset.extractor());
            int[] context = concat(concat(layout.prefix(), promptIds), layout.suffix());
            // The last reasoning token was never fed, and a stop token must not precede the
            // extractor: the answer stage feeds the unfed reasoning token (if any), then the extractor.
            requests.add(Request.fromPrefix(null, context.length + maxReasoningTokens + extractor.length + ANSWER_TOKENS + 2,
                    Stage.generate(context, reasoningOpts), done -> {
                        if (done.index() == 0) return Stage.generate(concat(done.unfed(format.stopIds()), extractor), answerOpts);
                        if (progress != null) progress.accept(finished.incrementAndGet());
                        return null;
                    }));
        }
        List<List<StageResult>> done = new Generator(model, tokenBudget).generate(requests);
        List<Evaluation.Record> records = new ArrayList<>();
        int correct = 0;
        for (int k = 0; k < examples.size(); k++) {
            Example e = examples.get(k);
            int[] reasoning = done.get(k).get(0).tokensWithoutStop(format.stopIds());
            int[] answer = done.get(k).get(1).tokensWithoutStop(format.stopIds());
            String answerText = format.decode(answer);
            boolean ok = preset.format().matches(answerText, e.answer());
            if (ok) correct++;
            records.add(new Evaluation.Record(e.question(), format.decode(reasoning), answerText,
                    preset.format().extract(answerText), e.answer(), ok));
        }
        return new Evaluation(prompt, examples.isEmpty() ? 0 : (double) correct / examples.size(), correct, examples.size(), records);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
