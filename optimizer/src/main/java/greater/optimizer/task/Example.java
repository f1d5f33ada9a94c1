package greater.optimizer.task;

/** One task example: the question (GReaTer's "goal") and the exact answer string to score ("final_target"). */
public record Example(String question, String answer) {
    public Example {
        if (question == null || question.isBlank()) throw new IllegalArgumentException("empty question");
        if (answer == null || answer.isBlank()) throw new IllegalArgumentException("empty answer for question: " + abbreviate(question));
    }

    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
