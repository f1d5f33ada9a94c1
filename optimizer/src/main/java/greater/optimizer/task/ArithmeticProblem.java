package greater.optimizer.task;

import java.util.List;

/**
 * One multi-step arithmetic question with its answer and the intermediate results that lead to it,
 * in evaluation order (innermost parentheses first, left to right).
 *
 * <pre>
 *   question  "Evaluate ((3 + 4) * -2) - 5"
 *   steps     3 + 4 = 7,  7 * -2 = -14,  -14 - 5 = -19
 *   answer    -19
 * </pre>
 */
public record ArithmeticProblem(String question, int answer, List<Step> steps) {
    public ArithmeticProblem {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || steps.getLast().result() != answer) throw new IllegalArgumentException("steps must end at the answer");
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

    /** Explicit working: "First, 3 + 4 = 7. Then 7 * -2 = -14. Then -14 - 5 = -19." */
    public String working() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            sb.append(i == 0 ? "First, " : " Then ").append(steps.get(i)).append('.');
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
