package greater.optimizer.task;

import java.util.random.RandomGenerator;

/**
 * Training conversations for the arithmetic demo model: a train-split question, a random
 * instruction, and the reply that instruction asks for. Working phrasings are answered with
 * every intermediate result, speed phrasings with the answer alone, neutral ones either way
 * (half and half). Every reply is correct: a small model simply does worse when it answers a
 * multi-step question without working, and that is what GReaTer has to discover.
 */
public final class ArithmeticCorpus {
    /** One conversation: user turn = question + ". Use " + instruction; then the reply. */
    public record Conversation(ArithmeticProblem problem, ArithmeticInstructions.Instruction instruction, boolean working) {
        public String question() {
            return problem.question();
        }

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
            case NEUTRAL -> rng.nextBoolean();
        };
        return new Conversation(p, ins, working);
    }
}
