package greater.optimizer.greater;

import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.SettingException;
import greater.tensor.UserInputException;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * GReaTer's outer loop (Das et al., ICLR 2025; docs/ALGORITHM.md §2, whose tables give the official
 * code's lines, psunlpgroup/GreaTer at 42a22d9). One step at prompt position i:
 * <pre>
 *   ┌ 1. reasoning   every train sample: greedy r = f(x ⊕ p) from its cached prefix (skipped when the
 *   │                state already holds the reasoning of p: the chosen candidate's, from selection)
 *   ├ 2. proposal    top-k of the model's own next-token distribution at i, intersected over
 *   │                random sample subsets → candidate set C (ASCII words, not the token at i-1)
 *   ├ 3. gradient    ∂[CE(answer | x ⊕ p ⊕ r ⊕ extractor, τ) + λ·NLL(p)] / ∂onehot_C at i,
 *   │                summed over samples, L2-normalized → the {@code selectionCandidates} most
 *   │                negative (3 in the official code, greater_opt.py:227)
 *   ├ 4. selection   each: regenerate r under the edited prompt, score = mistakes + λ/10 · NLL(p)
 *   │                (greater_opt.py:414); keep the lowest (ties: the later, :418-420); "." past
 *   │                half the initial prompt is taken at once (:422-425)
 *   └ 5. move on     p_i ← chosen; i ← i+1; past the end: wrap if p ends a sentence, else grow p by "_"
 *                    (greater_opt.py:446-454)
 * </pre>
 * The best-scoring prompt is tracked; the run stops early when its score falls below the
 * threshold or has not improved for {@code patience} steps. Each phase runs its sequences as
 * packed multi-sequence batches; {@link ExecutionSettings} switch batching, reuse and draft
 * verification (cost only, never decisions; docs/ALGORITHM.md §5). Two switches replace parts of
 * the step for ablations and search: {@link CandidateRanking} (step 3's order: gradient, random or
 * exact loss) and {@link SearchSchedule} (steps 4-5: the official schedule above, or hill
 * climbing); see docs/ALGORITHM.md §6.
 */
public final class GreaterOptimizer {
    private final Transformer model;
    private final PromptFormat format;
    private final TaskPreset preset;
    private final GreaterSettings settings;
    private final ExecutionSettings execution;
    private final List<Sample> samples;
    private final GenerationOptions reasoningOptions;
    // Scores by prompt ids (not text: two id sequences can decode to one string, e.g. with and
    // without a leading space, and the model reads them differently).
    private final Map<List<Integer>, CandidateSelection.PromptScore> sweepScores = new HashMap<>();

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
        this.reasoningOptions = settings.reasoningStop().options(settings.maxReasoningTokens(), format, preset.extractor());
        List<SampleLayout> layouts = new ArrayList<>();
        for (Example e : train) layouts.add(format.layout(e, preset.extractor()));
        this.samples = Sample.prepare(model, layouts, execution);
    }

    /**
     * The ids of {@code initialPrompt} in {@code format}.
     *
     * @throws SettingException ({@code initialPrompt}) when it has no tokens or more than 256
     */
    public static int[] initialPromptIds(PromptFormat format, String initialPrompt) {
        int[] prompt = format.encodePrompt(initialPrompt);
        if (prompt.length == 0) throw new SettingException("initialPrompt", "'" + initialPrompt + "' tokenizes to nothing");
        if (prompt.length > 256) throw new SettingException("initialPrompt", "has " + prompt.length + " tokens; at most 256 are supported");
        return prompt;
    }

    /**
     * A fresh state for {@code initialPrompt}, with its selection score measured (and its reasoning kept for step 0).
     *
     * @throws SettingException ({@code initialPrompt}) as {@link #initialPromptIds}
     */
    public RunState start(String initialPrompt) {
        int[] prompt = initialPromptIds(format, initialPrompt);
        List<PromptPosition> positions = PromptPosition.compute(model, samples, prompt, 0, settings, execution);
        CandidateSelection.PromptScore ps = CandidateSelection.score(model, positions, List.of(prompt), null, reasoningOptions, settings, execution).getFirst();
        sweepScores.put(key(prompt), ps);
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
        Random random = RunRandomness.candidateSubsets(settings.seed(), step);

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

        // 3. Gradient over reasoning w.r.t. the one-hot over the candidates, and the re-scoring order
        //    (by the gradient; random or exact loss in the ablations).
        listener.phase(step, "gradient");
        CandidateRanking.Ranked order = settings.ranking().rank(model, positions, reasoning, prompt, i, candidates, settings, execution,
                step, this::token);
        List<StepRecord.Candidate> ranked = order.order();
        long t2 = System.nanoTime();

        // 4. Re-score the steepest few by regenerating reasoning under each edited prompt, all in
        //    one batch; "." past half the prompt ends the list (it is taken at once, greater_opt.py:422-425).
        listener.phase(step, "selection");
        List<StepRecord.Candidate> toScore = new ArrayList<>();
        for (StepRecord.Candidate c : ranked.subList(0, Math.min(settings.selectionCandidates(), ranked.size()))) {
            toScore.add(c);
            if (settings.search().takesSentenceEndAtOnce(c.token(), i, state.initialPromptLength())) break;
        }
        List<int[]> fresh = new ArrayList<>();
        for (StepRecord.Candidate c : toScore) {
            int[] edited = edit(prompt, i, c.id());
            if (!sweepScores.containsKey(key(edited)) && fresh.stream().noneMatch(f -> Arrays.equals(f, edited))) fresh.add(edited);
        }
        // Hill climbing compares with the current prompt; it was scored when it was chosen, unless that cache was cleared.
        if (settings.search().keepsOnlyNonWorse() && !sweepScores.containsKey(key(prompt))
                && fresh.stream().noneMatch(f -> Arrays.equals(f, prompt))) {
            fresh.add(prompt);
        }
        if (!fresh.isEmpty()) {
            List<int[]> drafts = execution.draftVerification() ? reasoning.samples() : null;
            List<CandidateSelection.PromptScore> got = CandidateSelection.score(model, positions, fresh, drafts, reasoningOptions, settings, execution);
            for (int f = 0; f < fresh.size(); f++) {
                sweepScores.put(key(fresh.get(f)), got.get(f));
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
            CandidateSelection.PromptScore ps = sweepScores.get(key(edited));
            StepRecord.Scored sc = scored(edited, i, ps);
            scored.add(sc);
            boolean forced = settings.search().takesSentenceEndAtOnce(c.token(), i, state.initialPromptLength());
            if (best == null || sc.score() <= best.score() || forced) {
                best = sc;
                bestPrompt = edited;
                bestReasoning = ps.reasoning().isFor(edited) ? ps.reasoning() : null;
            }
        }
        if (settings.search().keepsOnlyNonWorse()) {   // hill climbing: stay when every move is worse
            CandidateSelection.PromptScore ps = sweepScores.get(key(prompt));
            StepRecord.Scored now = scored(prompt, i, ps);
            if (best.score() > now.score()) {
                best = now;
                bestPrompt = prompt;
                bestReasoning = reasoning;
            }
        }
        long t3 = System.nanoTime();

        // 5. Move on: next position; past the end, wrap (official, greater_opt.py:446-454: after a sentence end, else grow the prompt).
        SearchSchedule.Move move = settings.search().next(bestPrompt, i, best.token(), format.fillerToken());
        if (move.wrapped() && settings.search().forgetsScoresOnWrap()) sweepScores.clear();
        int next = move.position();
        int[] newPrompt = move.prompt();
        boolean improved = best.score() < state.bestScore();
        int[] bestSoFar = improved ? bestPrompt : state.bestPrompt();
        float bestScore = improved ? best.score() : state.bestScore();
        int since = improved ? 0 : state.stepsSinceBest() + 1;
        boolean stop = bestScore < settings.earlyStopScore() || since >= settings.patience();

        StepRecord record = new StepRecord(step, i, ranked, scored,
                new StepRecord.Choice(best.token(), best.id(), best.prompt(), format.decodePrompt(bestSoFar)),
                new StepRecord.Scores(order.gradientLoss(), best.score(), best.answerLoss(), best.mistakeRate()),
                new StepRecord.Timings(seconds(t0, t3), seconds(t0, t1), seconds(t1, t2), seconds(t2, t3)),
                new StepRecord.Drafts(reused, drafted, accepted),
                new StepRecord.Variant(settings.ranking().label(), settings.search().label(), order.rankCorrelation()));
        List<StepRecord> history = new ArrayList<>(state.history());
        history.add(record);
        RunState after = new RunState(step + 1, next, newPrompt, state.initialPromptLength(), state.initialScore(),
                bestSoFar, bestScore, since, stop, history, execution.reuse() ? bestReasoning : null);
        listener.stepDone(record, after);
        return after;
    }

    private static int[] edit(int[] prompt, int i, int id) {
        int[] edited = prompt.clone();
        edited[i] = id;
        return edited;
    }

    private String token(int id) {
        return format.decode(new int[]{id});
    }

    /** The trace's view of {@code p} re-scored (docs/ALGORITHM.md §2.4), the token at {@code i} named. */
    private StepRecord.Scored scored(int[] p, int i, CandidateSelection.PromptScore ps) {
        return new StepRecord.Scored(p[i], token(p[i]), format.decodePrompt(p), ps.score(), ps.answerLoss(), ps.mistakeRate(), ps.promptNll());
    }

    private static List<Integer> key(int[] prompt) {
        return Arrays.stream(prompt).boxed().toList();
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
