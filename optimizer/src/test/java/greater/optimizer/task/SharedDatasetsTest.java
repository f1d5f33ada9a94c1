package greater.optimizer.task;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Reads the real BBH, FOLIO and GSM8K files from ../shared/data (skipped when they are absent). */
class SharedDatasetsTest {
    private static final Pattern LETTER = Pattern.compile("[A-Z]");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    /** Example counts of the BBH CSVs (the official GReaTer copies). */
    private static final Map<String, Integer> BBH_COUNTS = Map.ofEntries(
            Map.entry("boolean_expressions", 250), Map.entry("causal_judgement", 187), Map.entry("date_understanding", 250),
            Map.entry("disambiguation_qa", 250), Map.entry("dyck_languages", 250), Map.entry("formal_fallacies", 250),
            Map.entry("geometric_shapes", 250), Map.entry("hyperbaton", 250), Map.entry("logical_deduction_five_objects", 250),
            Map.entry("logical_deduction_seven_objects", 250), Map.entry("logical_deduction_three_objects", 250),
            Map.entry("movie_recommendation", 250), Map.entry("multistep_arithmetic_two", 250), Map.entry("navigate", 250),
            Map.entry("object_counting", 250), Map.entry("penguins_in_a_table", 146), Map.entry("reasoning_about_colored_objects", 250),
            Map.entry("ruin_names", 250), Map.entry("salient_translation_error_detection", 250), Map.entry("snarks", 178),
            Map.entry("sports_understanding", 250), Map.entry("temporal_sequences", 250),
            Map.entry("tracking_shuffled_objects_five_objects", 250), Map.entry("tracking_shuffled_objects_seven_objects", 250),
            Map.entry("tracking_shuffled_objects_three_objects", 250), Map.entry("web_of_lies", 250), Map.entry("word_sorting", 250));

    /** Gold answers of multiple-choice files that are not a letter: BBH's own defects (an option split at a comma). */
    private static final Map<String, List<String>> NON_LETTER_GOLDS = Map.of(
            "movie_recommendation", List.of("Monsters, Inc"),
            "ruin_names", List.of("dearth, wind, & fire", "rita, sue and bob poo"));

    private static List<Path> csvs(String sub) throws IOException {
        Path d = SharedData.dir().resolve(sub);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(d), "../shared/data/" + sub + " not found; skipping");
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
    }

    private static final Map<Path, List<Example>> READ = new java.util.concurrent.ConcurrentHashMap<>();

    /** Each file is parsed once per run (several tests look at the same files). */
    private static List<Example> read(Path f) {
        return READ.computeIfAbsent(f, Datasets::read);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }

    @Test
    void everyBbhCsvReadsWithTheExpectedCountAndHasAPreset() throws IOException {
        List<Path> files = csvs("bbh");
        assertEquals(BBH_COUNTS.keySet(), new java.util.TreeSet<>(files.stream().map(SharedDatasetsTest::stem).toList()),
                "BBH CSV files in ../shared/data/bbh");
        for (Path f : files) {
            String task = stem(f);
            List<Example> ex = read(f);
            assertEquals(BBH_COUNTS.get(task), ex.size(), task);
            TaskPreset preset = TaskPreset.named(task);
            assertEquals(task, preset.name());
        }
    }

    @Test
    void dateUnderstandingHas250ExamplesWithLetterAnswers() {
        List<Example> ex = read(SharedData.file("bbh/date_understanding.csv"));
        assertEquals(250, ex.size());
        Example first = ex.getFirst();
        assertTrue(first.question().startsWith("Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 12/11/1937\n"),
                first.question());
        assertTrue(first.question().endsWith("(F) 07/25/1937"), first.question());
        assertEquals("B", first.answer());
        assertEquals("A", ex.get(1).answer());
        for (Example e : ex) {
            assertTrue(e.answer().matches("[A-F]"), e.answer());
            assertFalse(e.question().contains("\r"));
        }
    }

    /**
     * Feeding every gold answer as the model's text must score as correct under the task's preset,
     * or a preset would have the wrong format. All failures are collected and reported together.
     */
    @Test
    void everyPresetFormatMatchesEveryGoldAnswerOfItsFile() throws IOException {
        List<Path> files = new ArrayList<>(csvs("bbh"));
        Map<String, List<String>> failures = new TreeMap<>();
        for (Path f : files) check(stem(f), read(f), failures);
        for (Path f : csvs("folio")) check("folio", read(f), failures);
        if (!failures.isEmpty()) fail("gold answers that their own preset's format does not match: " + failures);
    }

    private static void check(String task, List<Example> examples, Map<String, List<String>> failures) {
        AnswerFormat format = TaskPreset.named(task).format();
        for (Example e : examples) {
            String gold = e.answer();
            // As the model writes it after the extractor: the bare answer, and the answer closed by "$".
            for (String generated : List.of(gold, gold + "$", gold + "$.")) {
                if (!format.matches(generated, gold)) {
                    failures.computeIfAbsent(task + " (" + format + ")", k -> new ArrayList<>()).add(generated);
                }
            }
        }
    }

    @Test
    void goldAnswerKindsAgreeWithEachPresetFormat() throws IOException {
        for (Path f : csvs("bbh")) {
            String task = stem(f);
            AnswerFormat format = TaskPreset.named(task).format();
            List<String> odd = new ArrayList<>();
            for (Example e : read(f)) {
                String a = e.answer();
                boolean ok = switch (format) {
                    case MULTIPLE_CHOICE -> LETTER.matcher(a).matches() || NON_LETTER_GOLDS.getOrDefault(task, List.of()).contains(a);
                    case YES_NO -> a.equalsIgnoreCase("yes") || a.equalsIgnoreCase("no");
                    case VALID_INVALID -> a.equals("valid") || a.equals("invalid");
                    case TRUE_FALSE -> a.equals("True") || a.equals("False");
                    case INTEGER -> INTEGER.matcher(a).matches();
                    case TEXT -> !a.contains("$") && !a.contains("\n");
                };
                if (!ok) odd.add(a);
            }
            assertEquals(List.of(), odd, task + ": gold answers that do not look like " + format);
        }
    }

    @Test
    void knownNonLetterGoldsOfMultipleChoiceTasksStillScoreAsText() {
        for (var entry : NON_LETTER_GOLDS.entrySet()) {
            List<Example> ex = read(SharedData.file("bbh/" + entry.getKey() + ".csv"));
            List<String> nonLetters = ex.stream().map(Example::answer).filter(a -> !LETTER.matcher(a).matches()).toList();
            assertEquals(entry.getValue(), nonLetters, entry.getKey());
            AnswerFormat format = TaskPreset.named(entry.getKey()).format();
            for (String gold : nonLetters) {
                assertTrue(format.matches(gold + "$", gold), gold);
                assertFalse(format.matches("A$", gold), gold);
                assertFalse(format.matches("D", gold), gold);
            }
        }
    }

    @Test
    void multipleChoiceExtractorsListEveryGoldLetterOfTheirData() throws IOException {
        for (Path f : csvs("bbh")) {
            TaskPreset p = TaskPreset.named(stem(f));
            if (p.format() != AnswerFormat.MULTIPLE_CHOICE) continue;
            for (Example e : read(f)) {
                if (LETTER.matcher(e.answer()).matches()) {
                    assertTrue(p.extractor().contains("'$" + e.answer() + "'"), p.name() + " extractor lacks gold letter " + e.answer() + ": " + p.extractor());
                }
            }
        }
        TaskPreset folio = TaskPreset.named("folio");
        for (Path f : csvs("folio")) {
            for (Example e : read(f)) assertTrue(folio.extractor().contains("'$" + e.answer() + "'"), e.answer());
        }
    }

    @Test
    void folioSplitsReadWithExpectedCounts() throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (Path f : csvs("folio")) {
            List<Example> ex = read(f);
            counts.put(stem(f), ex.size());
            for (Example e : ex) {
                assertTrue(e.answer().matches("[ABC]"), e.answer());
                assertTrue(e.question().startsWith("Premise:"), e.question());
                assertTrue(e.question().endsWith("(C) Uncertain"), e.question());
            }
        }
        assertEquals(Map.of("dev", 100, "test", 203, "train", 100), counts);
    }

    @Test
    void gsm8kTrainAndTest() {
        List<Example> test = read(SharedData.file("gsm8k/test.jsonl"));
        List<Example> train = read(SharedData.file("gsm8k/train.jsonl"));
        assertEquals(1319, test.size());
        assertEquals(7473, train.size());
        assertTrue(test.getFirst().question().startsWith("Janet\u2019s ducks lay 16 eggs per day."), test.getFirst().question());
        assertEquals("18", test.getFirst().answer());
        assertEquals("72", train.getFirst().answer());
        // "#### 1,080" and "#### 850,000" (train), "#### 2,125" and "#### 114,200" (test): commas removed
        assertEquals("1080", train.get(345).answer());
        assertEquals("850000", train.get(367).answer());
        assertEquals("2125", test.get(146).answer());
        assertEquals("114200", test.get(201).answer());
        assertEquals("-10", test.get(489).answer());
        assertEquals("-7", train.get(5715).answer());
        AnswerFormat format = TaskPreset.named("gsm8k").format();
        for (List<Example> split : List.of(train, test)) {
            for (Example e : split) {
                assertTrue(INTEGER.matcher(e.answer()).matches(), e.answer());
                assertTrue(format.matches(e.answer() + "$", e.answer()), e.answer());
            }
        }
    }

    @Test
    void officialSplitOfDateUnderstanding() {
        Task task = new Task(TaskPreset.named("date_understanding"), read(SharedData.file("bbh/date_understanding.csv")));
        Task.Split s = task.split(50, 50, 0, 0);
        assertEquals(50, s.train().size());
        assertEquals(50, s.test().size());
        assertEquals(task.examples().get(0), s.train().getFirst());
        assertEquals(task.examples().get(50), s.test().getFirst());
        assertEquals(task.examples().get(99), s.test().getLast());
    }
}
