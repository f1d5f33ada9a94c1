package greater.optimizer.greater;

import greater.transformer.infer.GenerationOptions;
import greater.transformer.infer.Request;
import greater.transformer.infer.Stage;
import greater.transformer.infer.StageResult;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every training sample's greedy reasoning r = f(x ⊕ p) under one prompt p (docs/ALGORITHM.md §2.1, §5),
 * without stop tokens: a value carried in the {@link RunState} (and its checkpoint) so that the
 * next step, and a resumed run, need not generate it again. Greedy reasoning is a function of
 * the prompt, so it is valid exactly while the prompt is {@code prompt}.
 */
public record Reasoning(int[] prompt, List<int[]> samples) {
    public Reasoning {
        prompt = prompt.clone();
        samples = List.copyOf(samples);
    }

    boolean isFor(int[] p) {
        return Arrays.equals(prompt, p);
    }

    /** Reasoning and how many draft tokens were checked and accepted to get it. */
    record Generated(Reasoning reasoning, int drafted, int accepted) {
    }

    /**
     * Generates every sample's reasoning under {@code prompt} in one continuous batch; with
     * {@code drafts} (one per sample, e.g. the reasoning of the previous prompt) each is verified
     * as a draft first.
     */
    static Generated generate(Transformer model, List<Sample> samples, int[] prompt, List<int[]> drafts, GenerationOptions options,
                              GreaterSettings settings, ExecutionSettings exec) {
        if (!settings.useReasoning()) {
            List<int[]> none = new ArrayList<>();
            for (int s = 0; s < samples.size(); s++) none.add(new int[0]);
            return new Generated(new Reasoning(prompt, none), 0, 0);
        }
        List<Request> requests = new ArrayList<>();
        for (int s = 0; s < samples.size(); s++) {
            Sample sample = samples.get(s);
            int[] lead = settings.prefixReuse() ? new int[0] : sample.layout.prefix();
            int[] input = Sample.concat(Sample.concat(lead, prompt), sample.layout.suffix());
            int cached = settings.prefixReuse() ? sample.prefixCache.length() : 0;
            int[] draft = drafts == null ? null : drafts.get(s);
            requests.add(Request.fromPrefix(settings.prefixReuse() ? sample.prefixCache : null, cached + input.length + options.maxNewTokens(),
                    new Stage(input, 0, 0, List.of(), options, draft), null));
        }
        List<int[]> out = new ArrayList<>();
        int drafted = 0, accepted = 0;
        for (List<StageResult> r : exec.generator(model).generate(requests)) {
            StageResult g = r.getFirst();
            out.add(g.tokensWithoutStop(options.stopIds()));
            drafted += g.drafted();
            accepted += g.accepted();
        }
        return new Generated(new Reasoning(prompt, out), drafted, accepted);
    }
}
