package greater.optimizer.task;

import java.util.List;

/**
 * One multi-step arithmetic question with its answer, the operations that lead to it in evaluation
 * order (the leftmost innermost parenthesis first), and the expression after each of them.
 *
 * <pre>
 *   question  "Evaluate ((3 + 4) * -2) - 5"
 *   steps     3 + 4 = 7,  7 * -2 = -14,  -14 - 5 = -19
 *   chain     "((3 + 4) * -2) - 5",  "(7 * -2) - 5",  "-14 - 5",  "-19"
 *   answer    -19
 * </pre>
 */
public record ArithmeticProblem(String question, int answer, List<Step> steps, List<String> chain) {
    /** What a worked reply starts with. */
    public static final String WORKING_LEAD = "Step by step: ";

    public ArithmeticProblem {
        steps = List.copyOf(steps);
        chain = List.copyOf(chain);
        if (steps.isEmpty() || steps.getLast().result() != answer) throw new IllegalArgumentException("steps must end at the answer");
        if (chain.size() != steps.size() + 1 || !chain.getLast().equals(Integer.toString(answer))) {
            throw new IllegalArgumentException("the chain must hold the expression after each step, ending at the answer");
        }
    }

    /** One operation: {@code left op right = result}. */
    public record Step(int left, char op, int right, int result) {
        @Override
        public String toString() {
            return left + " " + op + " " + right + " = " + result;
        }
    }

    /** The exact answer string (GReaTer's final_target). */
    public String finalTarget() {
        return Integer.toString(answer);
    }

    /** The question and answer as a task example. */
    public Example toExample() {
        return new Example(question, finalTarget());
    }

    /**
     * Explicit working, one clause per operation: the operation and its result, then the
     * expression with that operation replaced by its value, until only the answer is left:
     * <pre>
     *   Step by step: 3 + 4 = 7, so (7 * -2) - 5. 7 * -2 = -14, so -14 - 5. -14 - 5 = -19.
     * </pre>
     * Each result is computed right after its operands (a local lookup), and each rewrite is the
     * previous expression with one change, so the model always knows where it is.
     */
    public String working() {
        StringBuilder sb = new StringBuilder(WORKING_LEAD);
        for (int k = 0; k < steps.size(); k++) {
            if (k > 0) sb.append(' ');
            sb.append(steps.get(k));
            if (k + 1 < steps.size()) sb.append(", so ").append(chain.get(k + 1));
            sb.append('.');
        }
        return sb.toString();
    }

    /**
     * The assistant's reply: working (if asked), then the extractor and the answer, in the layout
     * GReaTer scores: {@code reasoning + " " + extractor + answer + "$"}; without working, just
     * {@code extractor + answer + "$"}.
     */
    public String reply(boolean withWorking) {
        String tail = ArithmeticTask.EXTRACTOR + answer + ArithmeticTask.ANSWER_END;
        return withWorking ? working() + " " + tail : tail;
    }
}
