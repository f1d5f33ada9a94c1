package greater.optimizer.task;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskPresetTest {
    private static final String MC = "Therefore, the final answer (use exact format: %s) is $";

    private static String letters(char last) {
        StringBuilder b = new StringBuilder();
        for (char c = 'A'; c <= last; c++) b.append(c == 'A' ? "" : " or ").append("'$").append(c).append('\'');
        return MC.formatted(b);
    }

    @Test
    void unknownNameListsKnownTasks() {
        var e = assertThrows(TaskFormatException.class, () -> TaskPreset.named("date_understandin"));
        assertTrue(e.getMessage().contains("'date_understandin'"), e.getMessage());
        for (String known : List.of("date_understanding", "gsm8k", "folio", "word_sorting", "formal_fallacies")) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
    }

    @Test
    void namesAreTheKeysOfNamed() {
        assertTrue(TaskPreset.names().size() >= 30, TaskPreset.names().toString());
        for (String n : TaskPreset.names()) assertEquals(n, TaskPreset.named(n).name());
        assertThrows(UnsupportedOperationException.class, () -> TaskPreset.names().add("x"));
    }

    /** names() must not be a live view through which a caller could delete presets for everyone (checked without deleting). */
    @Test
    void namesIsUnmodifiable() {
        var names = TaskPreset.names();
        assertThrows(UnsupportedOperationException.class, () -> names.removeIf(n -> false));
        assertThrows(UnsupportedOperationException.class, () -> names.iterator().remove());
    }

    /** Texts copied from the official launch script, run_llama3_all.sh:17-39 at 42a22d9 (docs/ALGORITHM.md §2.6). */
    @Test
    void extractorsEqualGreaterMdTexts() {
        assertEquals("Therefore, the final answer (use exact format: '$A' or '$B' or '$C' or '$D' or '$E') is $",
                TaskPreset.named("logical_deduction_five_objects").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$A' or '$B') is $", TaskPreset.named("hyperbaton").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$A' or '$B') is $", TaskPreset.named("snarks").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$A' or '$B' or '$C' or '$D' or '$E' or '$F') is $",
                TaskPreset.named("salient_translation_error_detection").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$A' or '$B' or '$C') is $", TaskPreset.named("disambiguation_qa").extractor());
        assertEquals(letters('D'), TaskPreset.named("temporal_sequences").extractor());
        assertEquals(letters('D'), TaskPreset.named("ruin_names").extractor());
        assertEquals(letters('R'), TaskPreset.named("reasoning_about_colored_objects").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$ Yes' or '$ No') is $ ", TaskPreset.named("causal_judgement").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$ Yes' or '$ No') is $ ", TaskPreset.named("navigate").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$ Yes' or '$ No') is $ ", TaskPreset.named("web_of_lies").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$ yes' or '$ no') is $ ", TaskPreset.named("sports_understanding").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$ valid' or '$ invalid') is $ ", TaskPreset.named("formal_fallacies").extractor());
        assertEquals("Therefore, the final answer (use exact format: '$ True' or '$ False') is $ ", TaskPreset.named("boolean_expressions").extractor());
        String signed = "Therefore, the final answer (use exactly this format: $NUMBER$, where NUMBER is a positive or negative integer) is $";
        assertEquals(signed, TaskPreset.named("multistep_arithmetic_two").extractor());
        assertEquals(signed, TaskPreset.named("gsm8k").extractor());
        assertEquals("Therefore, the final answer (use exactly this format: $NUMBER$, where NUMBER is a positive integer) is $",
                TaskPreset.named("object_counting").extractor());
    }

    /**
     * Decision: a multiple-choice extractor lists every option letter the task's data uses, so the
     * gold letter is always offered. The official lists (run_llama3_all.sh:17-39) are shorter for some tasks
     * (A–E for date_understanding and tracking/logical seven, A–J for geometric_shapes, A–D for
     * movie_recommendation), yet their data has golds (F), (G), (K) and (E); an extractor that
     * excludes the gold steers the model away from it. Three-object tasks list only A–C.
     */
    @Test
    void multipleChoiceExtractorsListTheLettersTheDataUses() {
        Map<String, Character> last = Map.ofEntries(
                Map.entry("date_understanding", 'F'), Map.entry("geometric_shapes", 'K'), Map.entry("movie_recommendation", 'E'),
                Map.entry("tracking_shuffled_objects_three_objects", 'C'), Map.entry("tracking_shuffled_objects_five_objects", 'E'),
                Map.entry("tracking_shuffled_objects_seven_objects", 'G'), Map.entry("logical_deduction_three_objects", 'C'),
                Map.entry("logical_deduction_seven_objects", 'G'), Map.entry("penguins_in_a_table", 'E'), Map.entry("folio", 'C'));
        last.forEach((task, letter) -> assertEquals(letters(letter), TaskPreset.named(task).extractor(), task));
        assertTrue(TaskPreset.named("geometric_shapes").extractor().endsWith("'$J' or '$K') is $"));
    }

    @Test
    void formatsPerKind() {
        Map<String, AnswerFormat> formats = Map.of(
                "date_understanding", AnswerFormat.MULTIPLE_CHOICE, "folio", AnswerFormat.MULTIPLE_CHOICE,
                "causal_judgement", AnswerFormat.YES_NO, "sports_understanding", AnswerFormat.YES_NO,
                "formal_fallacies", AnswerFormat.VALID_INVALID, "boolean_expressions", AnswerFormat.TRUE_FALSE,
                "object_counting", AnswerFormat.INTEGER, "gsm8k", AnswerFormat.INTEGER,
                "dyck_languages", AnswerFormat.TEXT, "word_sorting", AnswerFormat.TEXT);
        formats.forEach((task, f) -> assertEquals(f, TaskPreset.named(task).format(), task));
    }

    @Test
    void extractorsEndWhereTheAnswerStarts() {
        for (String n : TaskPreset.names()) {
            TaskPreset p = TaskPreset.named(n);
            boolean spaced = switch (p.format()) {
                case YES_NO, VALID_INVALID, TRUE_FALSE -> true;
                default -> false;
            };
            assertTrue(p.extractor().startsWith("Therefore, the final answer "), n);
            assertTrue(p.extractor().endsWith(spaced ? "is $ " : "is $"), n + ": '" + p.extractor() + "'");
        }
    }

    @Test
    void withExtractorKeepsNameAndFormat() {
        TaskPreset p = TaskPreset.named("navigate");
        TaskPreset q = p.withExtractor("So the answer is $");
        assertEquals(new TaskPreset("navigate", "So the answer is $", AnswerFormat.YES_NO), q);
        assertSame(p, TaskPreset.named("navigate"));
    }
}
