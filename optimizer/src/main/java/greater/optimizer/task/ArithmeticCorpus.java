package greater.optimizer.task;

import java.util.random.RandomGenerator;

/**
 * Training conversations for the arithmetic demo model: a train-split question, a random
 * instruction, and the reply that instruction asks for. Working phrasings are answered with
 * every intermediate result, speed phrasings with the answer alone, neutral ones either way
 * ({@link #NEUTRAL_WORKING_SHARE} of them with working). Every reply is correct: a small model
 * simply does worse when it answers a multi-step question without working, and that is what
 * GReaTer has to discover.
 */
public final class ArithmeticCorpus {
    /**
     * How often a neutral instruction (no cue, or cues both ways) is answered with working. A little
     * over half, so that under greedy decoding a neutral phrasing leans towards working: an edit
     * that cancels one speed cue already changes the model's behaviour, which gives GReaTer a
     * gradual path from a speed phrasing to a working one.
     */
    public static final double NEUTRAL_WORKING_SHARE = 0.6;

    /** One conversation: user turn = question + ". Use " + instruction; then the reply. */
    public record Conversation(ArithmeticProblem problem, ArithmeticInstructions.Instruction instruction, boolean working) {
        public String user() {
            return ArithmeticTask.userTurn(problem.question(), instruction.text());
        }

        public String reply() {
            return problem.reply(working);
        }
    }

    private final ArithmeticTask task;

    public ArithmeticCorpus(ArithmeticTask task) {
        this.task = task;
    }

    /** A random training conversation (train split only). */
    public Conversation sample(RandomGenerator rng) {
        ArithmeticProblem p = task.sample(rng, ArithmeticTask.Split.TRAIN);
        ArithmeticInstructions.Instruction ins = ArithmeticInstructions.sample(rng);
        boolean working = switch (ins.style()) {
            case WORKING -> true;
            case DIRECT -> false;
            case NEUTRAL -> rng.nextDouble() < NEUTRAL_WORKING_SHARE;
        };
        return new Conversation(p, ins, working);
    }
}
