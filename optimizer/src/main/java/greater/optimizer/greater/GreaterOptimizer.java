package greater.optimizer.greater;

import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.UserInputException;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * GReaTer's outer loop (Das et al., ICLR 2025; GREATER.md "One outer step"). One step at prompt
 * position i:
 * <pre>
 *   ┌ 1. reasoning   every train sample: greedy r = f(x ⊕ p) from its cached prefix (skipped when the
 *   │                state already holds the reasoning of p: the chosen candidate's, from selection)
 *   ├ 2. proposal    top-k of the model's own next-token distribution at i, intersected over
 *   │                random sample subsets → candidate set C (ASCII words, not the token at i-1)
 *   ├ 3. gradient    ∂[CE(answer | x ⊕ p ⊕ r ⊕ extractor, τ) + λ·NLL(p)] / ∂onehot_C at i,
 *   │                summed over samples, L2-normalized → the 3 most negative
 *   ├ 4. selection   each: regenerate r under the edited prompt, score = mistakes + λ/10 · NLL(p);
 *   │                keep the lowest (ties: the later); "." past half the prompt is taken at once
 *   └ 5. move on     p_i ← chosen; i ← i+1; past the end: wrap if p ends a sentence, else grow p by "_"
 * </pre>
 * The best-scoring prompt is tracked; the run stops early when its score falls below the
 * threshold or has not improved for {@code patience} steps. Each phase runs its sequences as
 * packed multi-sequence batches; {@link ExecutionSettings} switch batching, reuse and draft
 * verification (cost only, never decisions).
 */
public final class GreaterOptimizer {
    private final Transformer model;
    private final PromptFormat format;
    private final TaskPreset preset;
    private final GreaterSettings settings;
    private final ExecutionSettings execution;
    private final List<Sample> samples;
    private final GenerationOptions reasoningOptions;
    private final Map<String, CandidateSelection.PromptScore> sweepScores = new HashMap<>();

    public GreaterOptimizer(Transformer model, PromptFormat format, TaskPreset preset, List<Example> train, GreaterSettings settings) {
        this(model, format, preset, train, settings, ExecutionSettings.defaults());
    }

    public GreaterOptimizer(Transformer model, PromptFormat format, TaskPreset preset, List<Example> train, GreaterSettings settings,
                            ExecutionSettings execution) {
        if (train.isEmpty()) throw new UserInputException("the train split is empty");
        this.model = model;
        this.format = format;
        this.preset = preset;
        this.settings = settings;
        this.execution = execution;
        this.reasoningOptions = GenerationOptions.greedy(settings.maxReasoningTokens(), format.stopIds());
        List<SampleLayout> layouts = new ArrayList<>();
        for (Example e : train) layouts.add(format.layout(e, preset.extractor()));
        this.samples = Sample.prepare(model, layouts, execution);
    }

    /** A fresh state for {@code initialPrompt}, with its selection score measured (and its reasoning kept for step 0). */
    public RunState start(String initialPrompt) {
        int[] prompt = format.encodePrompt(initialPrompt);
        if (prompt.length == 0) throw new UserInputException("the initial prompt '" + initialPrompt + "' tokenizes to nothing");
        if (prompt.length > 256) throw new UserInputException("the initial prompt has " + prompt.length + " tokens; at most 256 are supported");
        List<PromptPosition> positions = PromptPosition.compute(model, samples, prompt, 0, settings, execution);
        CandidateSelection.PromptScore ps = CandidateSelection.score(model, positions, List.of(prompt), null, reasoningOptions, settings, execution).getFirst();
        return RunState.start(prompt, ps.score(), execution.reuse() ? ps.reasoning() : null);
    }

    /** Runs steps from {@code state} until the step budget or an early stop; returns the final state. */
    public RunState run(RunState state, GreaterListener listener) {
        while (!state.stopped() && state.step() < settings.steps()) {
            state = step(state, listener);
        }
        return state;
    }

    /** One outer step (the diagram above). */
    public RunState step(RunState state, GreaterListener listener) {
        long t0 = System.nanoTime();
        int step = state.step();
        int i = state.position();
        int[] prompt = state.prompt().clone();
        Random random = new Random(settings.seed() * 1_000_003L + step);

        // 1. The reasoning under the current prompt: carried over when the state holds it, else
        //    generated (verifying the previous prompt's reasoning as a draft).
        listener.phase(step, "reasoning");
        Reasoning carried = state.reasoning() != null && state.reasoning().samples().size() == samples.size() ? state.reasoning() : null;
        Reasoning reasoning;
        int drafted = 0, accepted = 0;
        boolean reused = execution.reuse() && carried != null && carried.isFor(prompt);
        if (reused) {
            reasoning = carried;
        } else {
            List<int[]> drafts = execution.draftVerification() && carried != null ? carried.samples() : null;
            Reasoning.Generated g = Reasoning.generate(model, samples, prompt, drafts, reasoningOptions, settings, execution);
            reasoning = g.reasoning();
            drafted += g.drafted();
            accepted += g.accepted();
        }
        long t1 = System.nanoTime();

        // 2. Candidates from the model's own next-token distributions at position i.
        listener.phase(step, "proposal");
        List<PromptPosition> positions = PromptPosition.compute(model, samples, prompt, i, settings, execution);
        int previous = i > 0 ? prompt[i - 1] : -1;
        List<float[]> logits = new ArrayList<>();
        for (PromptPosition p : positions) logits.add(p.logitsAtPosition());
        int[] candidates = CandidateProposal.propose(logits, id -> id != previous && format.isAllowedCandidate(id), prompt[i], settings, random);

        // 3. Gradient over reasoning w.r.t. the one-hot over the candidates.
        listener.phase(step, "gradient");
        GradientOverReasoning.Result grad = GradientOverReasoning.compute(model, positions, reasoning, prompt, candidates, settings, execution);
        List<StepRecord.Candidate> ranked = new ArrayList<>();
        for (int c = 0; c < candidates.length; c++) ranked.add(new StepRecord.Candidate(candidates[c], token(candidates[c]), grad.gradient()[c]));
        ranked.sort((a, b) -> a.gradient() != b.gradient() ? Float.compare(a.gradient(), b.gradient()) : Integer.compare(a.id(), b.id()));
        long t2 = System.nanoTime();

        // 4. Re-score the steepest few by regenerating reasoning under each edited prompt, all in
        //    one batch; "." past half the prompt ends the list (it is taken at once).
        listener.phase(step, "selection");
        List<StepRecord.Candidate> toScore = new ArrayList<>();
        for (StepRecord.Candidate c : ranked.subList(0, Math.min(settings.selectionCandidates(), ranked.size()))) {
            toScore.add(c);
            if (c.token().contains(".") && i >= state.initialPromptLength() / 2) break;
        }
        List<int[]> fresh = new ArrayList<>();
        for (StepRecord.Candidate c : toScore) {
            int[] edited = edit(prompt, i, c.id());
            if (!sweepScores.containsKey(format.decodePrompt(edited)) && fresh.stream().noneMatch(f -> java.util.Arrays.equals(f, edited))) fresh.add(edited);
        }
        if (!fresh.isEmpty()) {
            List<int[]> drafts = execution.draftVerification() ? reasoning.samples() : null;
            List<CandidateSelection.PromptScore> got = CandidateSelection.score(model, positions, fresh, drafts, reasoningOptions, settings, execution);
            for (int f = 0; f < fresh.size(); f++) {
                sweepScores.put(format.decodePrompt(fresh.get(f)), got.get(f));
                drafted += got.get(f).drafted();
                accepted += got.get(f).accepted();
            }
        }
        List<StepRecord.Scored> scored = new ArrayList<>();
        StepRecord.Scored best = null;
        int[] bestPrompt = null;
        Reasoning bestReasoning = null;
        for (StepRecord.Candidate c : toScore) {
            int[] edited = edit(prompt, i, c.id());
            String text = format.decodePrompt(edited);
            CandidateSelection.PromptScore ps = sweepScores.get(text);
            var sc = new StepRecord.Scored(c.id(), c.token(), text, ps.score(), ps.answerLoss(), ps.mistakeRate(), ps.promptNll());
            scored.add(sc);
            boolean forced = c.token().contains(".") && i >= state.initialPromptLength() / 2;
            if (best == null || sc.score() <= best.score() || forced) {
                best = sc;
                bestPrompt = edited;
                bestReasoning = ps.reasoning().isFor(edited) ? ps.reasoning() : null;
            }
        }
        long t3 = System.nanoTime();

        // 5. Move on: next position; past the end, wrap after a sentence end, else grow the prompt.
        int next = i + 1;
        int[] newPrompt = bestPrompt;
        if (next >= newPrompt.length) {
            if (best.token().contains(".")) {
                next = 0;
                sweepScores.clear();
            } else {
                newPrompt = Sample.concat(newPrompt, new int[]{format.fillerToken()});
            }
        }
        boolean improved = best.score() < state.bestScore();
        int[] bestSoFar = improved ? bestPrompt : state.bestPrompt();
        float bestScore = improved ? best.score() : state.bestScore();
        int since = improved ? 0 : state.stepsSinceBest() + 1;
        boolean stop = bestScore < settings.earlyStopScore() || since >= settings.patience();

        StepRecord record = new StepRecord(step, i, ranked, scored, best.token(), best.id(), best.prompt(),
                format.decodePrompt(bestSoFar), grad.meanLoss(), best.score(), best.answerLoss(), best.mistakeRate(),
                seconds(t0, t3), seconds(t0, t1), seconds(t1, t2), seconds(t2, t3), reused, drafted, accepted);
        List<StepRecord> history = new ArrayList<>(state.history());
        history.add(record);
        RunState after = new RunState(step + 1, next, newPrompt, state.initialPromptLength(), state.initialScore(),
                bestSoFar, bestScore, since, stop, history, execution.reuse() ? bestReasoning : null);
        listener.stepDone(record, after);
        return after;
    }

    public PromptFormat format() {
        return format;
    }

    private static int[] edit(int[] prompt, int i, int id) {
        int[] edited = prompt.clone();
        edited[i] = id;
        return edited;
    }

    private String token(int id) {
        return format.decode(new int[]{id});
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
