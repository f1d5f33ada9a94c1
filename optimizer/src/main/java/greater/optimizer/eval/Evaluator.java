package greater.optimizer.eval;

import greater.optimizer.greater.PromptFormat;
import greater.optimizer.greater.SampleLayout;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.UserInputException;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Generator;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * GReaTer's evaluation (GREATER.md "Evaluation"): for each example, greedy reasoning with the
 * prompt, then the extractor, then greedy answer tokens; correct when the answer read from them
 * equals the gold answer under the task's format.
 */
public final class Evaluator {
    private static final int ANSWER_TOKENS = 12;
    private final Transformer model;
    private final PromptFormat format;
    private final TaskPreset preset;
    private final int maxReasoningTokens;

    public Evaluator(Transformer model, PromptFormat format, TaskPreset preset, int maxReasoningTokens) {
        this.model = model;
        this.format = format;
        this.preset = preset;
        this.maxReasoningTokens = maxReasoningTokens;
    }

    public Evaluation evaluate(String prompt, List<Example> examples, IntConsumer progress) {
        int[] promptIds = format.encodePrompt(prompt);
        if (promptIds.length == 0) throw new UserInputException("the prompt '" + prompt + "' tokenizes to nothing");
        int[] extractor = format.encode(" " + preset.extractor());
        Generator generator = new Generator(model);
        GenerationOptions reasoningOpts = GenerationOptions.greedy(maxReasoningTokens, format.stopIds());
        GenerationOptions answerOpts = GenerationOptions.greedy(ANSWER_TOKENS, format.stopIds());
        List<Evaluation.Record> records = new ArrayList<>();
        int correct = 0;
        for (Example e : examples) {
            SampleLayout layout = format.layout(e, preset.extractor());
            int[] context = concat(concat(layout.prefix(), promptIds), layout.suffix());
            KvCache cache = model.newCache(context.length + maxReasoningTokens + extractor.length + ANSWER_TOKENS + 2);
            int[] reasoning = stripStop(generator.continueFrom(cache, context, reasoningOpts));
            // The last generated token was never fed back, and a stop token must not precede the
            // extractor: rewind to the reasoning tokens the cache holds and feed the rest.
            int fed = Math.min(cache.length() - context.length, reasoning.length);
            cache.truncate(context.length + fed);
            int[] pending = concat(Arrays.copyOfRange(reasoning, fed, reasoning.length), extractor);
            int[] answer = stripStop(generator.continueFrom(cache, pending, answerOpts));
            String answerText = format.decode(answer);
            boolean ok = preset.format().matches(answerText, e.answer());
            if (ok) correct++;
            records.add(new Evaluation.Record(e.question(), format.decode(reasoning), answerText,
                    preset.format().extract(answerText), e.answer(), ok));
            if (progress != null) progress.accept(records.size());
        }
        return new Evaluation(prompt, examples.isEmpty() ? 0 : (double) correct / examples.size(), correct, examples.size(), records);
    }

    private int[] stripStop(int[] ids) {
        int n = ids.length;
        while (n > 0 && format.stopIds().contains(ids[n - 1])) n--;
        return Arrays.copyOf(ids, n);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
