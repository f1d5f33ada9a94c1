package greater.optimizer.greater;

import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.transformer.infer.GenerationOptions;
import greater.transformer.model.KvCache;
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
 *   ┌ 1. reasoning   every train sample: greedy r = f(x ⊕ p) from its cached prefix
 *   ├ 2. proposal    top-k of the model's own next-token distribution at i, intersected over
 *   │                random sample subsets → candidate set C (ASCII words, not the token at i-1)
 *   ├ 3. gradient    ∂[CE(answer | x ⊕ p ⊕ r ⊕ extractor, τ) + λ·NLL(p)] / ∂onehot_C at i,
 *   │                summed over samples, L2-normalized → the 3 most negative
 *   ├ 4. selection   each: regenerate r under the edited prompt, score = mistakes + λ/10 · NLL(p);
 *   │                keep the lowest (ties: the later); "." past half the prompt is taken at once
 *   └ 5. move on     p_i ← chosen; i ← i+1; past the end: wrap if p ends a sentence, else grow p by "_"
 * </pre>
 * The best-scoring prompt is tracked; the run stops early when its score falls below the
 * threshold or has not improved for {@code patience} steps. Two switches replace parts of the
 * step for ablations and search: {@link CandidateRanking} (step 3's order: gradient, random or
 * exact loss) and {@link SearchSchedule} (steps 4-5: the official schedule above, or hill climbing).
 */
public final class GreaterOptimizer {
    private final Transformer model;
    private final PromptFormat format;
    private final TaskPreset preset;
    private final GreaterSettings settings;
    private final List<Sample> samples = new ArrayList<>();
    private final GenerationOptions reasoningOptions;
    // Scores by prompt ids (not text: two id sequences can decode to one string, e.g. with and
    // without a leading space, and the model reads them differently).
    private final Map<List<Integer>, CandidateSelection.PromptScore> sweepScores = new HashMap<>();

    public GreaterOptimizer(Transformer model, PromptFormat format, TaskPreset preset, List<Example> train, GreaterSettings settings) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training examples");
        this.model = model;
        this.format = format;
        this.preset = preset;
        this.settings = settings;
        this.reasoningOptions = GenerationOptions.greedy(settings.maxReasoningTokens(), format.stopIds());
        List<SampleLayout> layouts = new ArrayList<>();
        int longest = 0;
        for (Example e : train) {
            SampleLayout layout = format.layout(e, preset.extractor());
            layouts.add(layout);
            longest = Math.max(longest, layout.prefix().length + layout.suffix().length + layout.target().length);
        }
        // Room for the longest sample, a prompt of up to 256 tokens growing by one per step, and the reasoning.
        KvCache workspace = model.newCache(longest + 256 + settings.steps() + settings.maxReasoningTokens() + 2);
        for (SampleLayout layout : layouts) samples.add(new Sample(model, layout, workspace, settings.prefixReuse()));
    }

    /** A fresh state for {@code initialPrompt}, with its selection score measured. */
    public RunState start(String initialPrompt) {
        int[] prompt = format.encodePrompt(initialPrompt);
        if (prompt.length == 0) throw new IllegalArgumentException("the initial prompt '" + initialPrompt + "' tokenizes to nothing");
        if (prompt.length > 256) throw new IllegalArgumentException("the initial prompt has " + prompt.length + " tokens; at most 256 are supported");
        CandidateSelection.PromptScore score = CandidateSelection.score(model, samples, prompt, settings, reasoningOptions);
        sweepScores.put(key(prompt), score);
        return RunState.start(prompt, score.score());
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

        // 1. Refresh the reasoning under the current prompt.
        listener.phase(step, "reasoning");
        for (Sample s : samples) s.reasoning = settings.useReasoning() ? s.generateReasoning(prompt, reasoningOptions) : new int[0];
        long t1 = System.nanoTime();

        // 2. Candidates from the model's own next-token distributions at position i.
        listener.phase(step, "proposal");
        int previous = i > 0 ? prompt[i - 1] : -1;
        List<float[]> logits = new ArrayList<>();
        for (Sample s : samples) logits.add(s.logitsAtPromptPosition(prompt, i));
        int[] candidates = CandidateProposal.propose(logits, id -> id != previous && format.isAllowedCandidate(id), prompt[i], settings, random);

        // 3. Gradient over reasoning w.r.t. the one-hot over the candidates, and the re-scoring order
        //    (by the gradient; random or exact loss in the ablations).
        listener.phase(step, "gradient");
        CandidateRanking.Ranked order = settings.ranking().rank(model, samples, prompt, i, candidates, settings, step, this::token);
        List<StepRecord.Candidate> ranked = order.order();
        long t2 = System.nanoTime();

        // 4. Re-score the steepest few by regenerating reasoning under each edited prompt.
        listener.phase(step, "selection");
        List<StepRecord.Scored> scored = new ArrayList<>();
        StepRecord.Scored best = null;
        int[] bestPrompt = null;
        for (StepRecord.Candidate c : ranked.subList(0, Math.min(settings.selectionCandidates(), ranked.size()))) {
            int[] edited = prompt.clone();
            edited[i] = c.id();
            StepRecord.Scored sc = score(edited, i);
            scored.add(sc);
            if (best == null || sc.score() <= best.score()) {
                best = sc;
                bestPrompt = edited;
            }
            if (settings.search().takesSentenceEndAtOnce(c.token(), i, state.initialPromptLength())) {
                best = sc;
                bestPrompt = edited;
                break;
            }
        }
        if (settings.search().keepsOnlyNonWorse()) {   // hill climbing: stay when every move is worse
            StepRecord.Scored now = score(prompt, i);
            if (best.score() > now.score()) {
                best = now;
                bestPrompt = prompt;
            }
        }
        long t3 = System.nanoTime();

        // 5. Move on: next position; past the end, wrap (official: after a sentence end, else grow the prompt).
        SearchSchedule.Move move = settings.search().next(bestPrompt, i, best.token(), format.fillerToken());
        if (move.wrapped() && settings.search().forgetsScoresOnWrap()) sweepScores.clear();
        int next = move.position();
        int[] newPrompt = move.prompt();
        boolean improved = best.score() < state.bestScore();
        int[] bestSoFar = improved ? bestPrompt : state.bestPrompt();
        float bestScore = improved ? best.score() : state.bestScore();
        int since = improved ? 0 : state.stepsSinceBest() + 1;
        boolean stop = bestScore < settings.earlyStopScore() || since >= settings.patience();

        StepRecord record = new StepRecord(step, i, ranked, scored, best.token(), best.id(), best.prompt(),
                format.decodePrompt(bestSoFar), order.gradientLoss(), best.score(), best.answerLoss(), best.mistakeRate(),
                seconds(t0, t3), seconds(t0, t1), seconds(t1, t2), seconds(t2, t3),
                settings.ranking().label(), settings.search().label(), order.rankCorrelation());
        List<StepRecord> history = new ArrayList<>(state.history());
        history.add(record);
        RunState after = new RunState(step + 1, next, newPrompt, state.initialPromptLength(), state.initialScore(),
                bestSoFar, bestScore, since, stop, history);
        listener.stepDone(record, after);
        return after;
    }

    public PromptFormat format() {
        return format;
    }

    private String token(int id) {
        return format.decode(new int[]{id});
    }

    /** {@code p} re-scored (GREATER.md step 4), from the cache when it was scored before; the token at {@code i} named. */
    private StepRecord.Scored score(int[] p, int i) {
        CandidateSelection.PromptScore ps = sweepScores.computeIfAbsent(key(p), k -> CandidateSelection.score(model, samples, p, settings, reasoningOptions));
        return new StepRecord.Scored(p[i], token(p[i]), format.decodePrompt(p), ps.score(), ps.answerLoss(), ps.mistakeRate(), ps.promptNll());
    }

    private static List<Integer> key(int[] prompt) {
        return java.util.Arrays.stream(prompt).boxed().toList();
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
