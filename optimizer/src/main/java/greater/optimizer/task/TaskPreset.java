package greater.optimizer.task;

import greater.tensor.SettingException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A task's answer format and the extractor text that follows the model's reasoning, as the
 * official GReaTer launch script sets them (run_llama3_all.sh:17-39 at 42a22d9; docs/ALGORITHM.md
 * §2.6); the answer follows directly.
 * <p>A multiple-choice extractor lists every option letter the task's data uses ("listing the
 * letters the task uses"), so the gold letter is always offered. Where the official list
 * is shorter than the data this deliberately differs: date_understanding A–F (data has (F) golds),
 * tracking_shuffled_objects/logical_deduction seven objects A–G, geometric_shapes A–K (a fifth of
 * its golds are (K)), movie_recommendation A–E (19 questions offer (E), 8 golds are (E)); the
 * three-object tasks list A–C. ruin_names stays A–D: only two malformed questions offer more, and
 * their golds are option text (see {@link AnswerFormat#MULTIPLE_CHOICE}).
 */
public record TaskPreset(String name, String extractor, AnswerFormat format) {
    private static final Map<String, TaskPreset> PRESETS = new LinkedHashMap<>();

    /** @throws SettingException ({@code extractor}) for an extractor without text: the answer would follow the reasoning with nothing to mark it */
    public TaskPreset {
        if (extractor == null || extractor.isBlank()) throw new SettingException("extractor", "must contain text, got '" + extractor + "'");
    }

    static {
        choice("date_understanding", 'F');
        choice("tracking_shuffled_objects_three_objects", 'C');
        choice("tracking_shuffled_objects_five_objects", 'E');
        choice("tracking_shuffled_objects_seven_objects", 'G');
        choice("logical_deduction_three_objects", 'C');
        choice("logical_deduction_five_objects", 'E');
        choice("logical_deduction_seven_objects", 'G');
        choice("penguins_in_a_table", 'E');
        choice("movie_recommendation", 'E');
        choice("geometric_shapes", 'K');
        choice("salient_translation_error_detection", 'F');
        choice("disambiguation_qa", 'C');
        choice("hyperbaton", 'B');
        choice("ruin_names", 'D');
        choice("snarks", 'B');
        choice("temporal_sequences", 'D');
        choice("reasoning_about_colored_objects", 'R');
        choice("folio", 'C');
        words("causal_judgement", "Yes", "No", AnswerFormat.YES_NO);
        words("navigate", "Yes", "No", AnswerFormat.YES_NO);
        words("web_of_lies", "Yes", "No", AnswerFormat.YES_NO);
        words("sports_understanding", "yes", "no", AnswerFormat.YES_NO);
        words("formal_fallacies", "valid", "invalid", AnswerFormat.VALID_INVALID);
        words("boolean_expressions", "True", "False", AnswerFormat.TRUE_FALSE);
        number("multistep_arithmetic_two", "a positive or negative integer");
        number("object_counting", "a positive integer");
        number("gsm8k", "a positive or negative integer");
        text("dyck_languages");
        text("word_sorting");
        add(new TaskPreset("arithmetic", "Therefore, the final answer is $", AnswerFormat.INTEGER));
    }

    private static void add(TaskPreset p) {
        PRESETS.put(p.name(), p);
    }

    /** {@code Therefore, the final answer (use exact format: '$A' or '$B' or ...) is $} up to {@code last}. */
    private static void choice(String name, char last) {
        StringBuilder options = new StringBuilder();
        for (char c = 'A'; c <= last; c++) options.append(c == 'A' ? "" : " or ").append("'$").append(c).append('\'');
        add(new TaskPreset(name, "Therefore, the final answer (use exact format: " + options + ") is $", AnswerFormat.MULTIPLE_CHOICE));
    }

    private static void words(String name, String a, String b, AnswerFormat format) {
        add(new TaskPreset(name, "Therefore, the final answer (use exact format: '$ " + a + "' or '$ " + b + "') is $ ", format));
    }

    private static void number(String name, String kind) {
        add(new TaskPreset(name, "Therefore, the final answer (use exactly this format: $NUMBER$, where NUMBER is "
                + kind + ") is $", AnswerFormat.INTEGER));
    }

    private static void text(String name) {
        add(new TaskPreset(name, "Therefore, the final answer is $", AnswerFormat.TEXT));
    }

    /** The preset called {@code name}, or a {@link TaskFormatException} listing the known ones. */
    public static TaskPreset named(String name) {
        TaskPreset p = PRESETS.get(name);
        if (p == null) throw new TaskFormatException("unknown task '" + name + "'; known tasks: " + String.join(", ", PRESETS.keySet()));
        return p;
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(PRESETS.keySet());
    }

    /** A copy with another extractor (--extractor); a {@link SettingException} ({@code extractor}) for one without text. */
    public TaskPreset withExtractor(String text) {
        return new TaskPreset(name, text, format);
    }
}
