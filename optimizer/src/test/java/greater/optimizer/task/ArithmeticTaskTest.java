package greater.optimizer.task;

import greater.optimizer.greater.GreaterPreset;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArithmeticTaskTest {
    private final ArithmeticTask task = new ArithmeticTask();

    @Test
    void problemsAreSeededAndSplitsNeverShareAQuestion() {
        List<ArithmeticProblem> train = task.problems(ArithmeticTask.Split.TRAIN, 3000, 1);
        List<ArithmeticProblem> test = task.problems(ArithmeticTask.Split.TEST, 500, 1);
        assertEquals(train, task.problems(ArithmeticTask.Split.TRAIN, 3000, 1), "same seed, same problems");
        Set<String> trainQuestions = new HashSet<>();
        for (ArithmeticProblem p : train) trainQuestions.add(p.question());
        assertEquals(3000, trainQuestions.size(), "distinct");
        for (ArithmeticProblem p : test) {
            assertFalse(trainQuestions.contains(p.question()), p.question());
            assertEquals(ArithmeticTask.Split.TEST, ArithmeticTask.splitOf(p.question()));
        }
        // A different seed draws other test problems, still disjoint from any train problem by construction.
        for (ArithmeticProblem p : task.problems(ArithmeticTask.Split.TRAIN, 500, 2)) {
            assertEquals(ArithmeticTask.Split.TRAIN, ArithmeticTask.splitOf(p.question()));
        }
    }

    @Test
    void stepsEvaluateTheQuestionWithinTheLimits() {
        int[] byOps = new int[6];
        for (ArithmeticProblem p : task.problems(ArithmeticTask.Split.TRAIN, 2000, 3)) {
            assertTrue(p.question().startsWith("Evaluate "), p.question());
            assertEquals(p.answer(), Parser.value(p.question().substring("Evaluate ".length())), p.question());
            byOps[p.steps().size()]++;
            for (ArithmeticProblem.Step s : p.steps()) {
                assertTrue(Math.abs(s.result()) <= 99, s.toString());
                if (s.op() == '*') assertTrue(Math.abs(s.left()) <= 9 && Math.abs(s.right()) <= 9, s.toString());
            }
            // The chain starts at the question, each clause evaluates to the answer, and each step
            // replaces exactly one operation by its result.
            assertEquals(p.question(), "Evaluate " + p.chain().getFirst());
            for (int k = 0; k < p.chain().size(); k++) {
                assertEquals(p.answer(), Parser.value(p.chain().get(k)), p.chain().get(k));
                if (k > 0) {
                    ArithmeticProblem.Step s = p.steps().get(k - 1);
                    String before = p.chain().get(k - 1), after = p.chain().get(k);
                    String op = s.left() + " " + s.op() + " " + s.right();
                    String replaced = before.contains("(" + op + ")") ? before.replaceFirst(java.util.regex.Pattern.quote("(" + op + ")"), String.valueOf(s.result()))
                            : before.replace(op, String.valueOf(s.result()));
                    assertEquals(after, replaced, before + " -> " + after + " by " + s);
                }
            }
        }
        assertEquals(0, byOps[0] + byOps[1] + byOps[5]);
        assertTrue(byOps[2] > 300 && byOps[3] > 300 && byOps[4] > 300, java.util.Arrays.toString(byOps));
    }

    @Test
    void repliesUseTheGreaterLayoutAndTheAnswerReadsBack() {
        ArithmeticProblem p = new ArithmeticProblem("Evaluate ((3 + 4) * -2) - 5", -19, List.of(
                new ArithmeticProblem.Step(3, '+', 4, 7), new ArithmeticProblem.Step(7, '*', -2, -14),
                new ArithmeticProblem.Step(-14, '-', 5, -19)), List.of("((3 + 4) * -2) - 5", "(7 * -2) - 5", "-14 - 5", "-19"));
        assertEquals("Step by step: 3 + 4 = 7, so (7 * -2) - 5. 7 * -2 = -14, so -14 - 5. -14 - 5 = -19. Therefore, the final answer is $-19$", p.reply(true));
        assertEquals("Therefore, the final answer is $-19$", p.reply(false));
        TaskPreset preset = TaskPreset.named("arithmetic");
        String afterExtractor = p.reply(true).substring(p.reply(true).indexOf(preset.extractor()) + preset.extractor().length());
        assertTrue(preset.format().matches(afterExtractor, p.toExample().answer()), "the evaluator reads the answer back");
        assertEquals(new Example("Evaluate ((3 + 4) * -2) - 5", "-19"), p.toExample());
        assertEquals("Evaluate 1 + 2. Use think step by step.", ArithmeticTask.userTurn("Evaluate 1 + 2", "think step by step."));
    }

    @Test
    void instructionStylesFollowTheirCueWords() {
        assertEquals(ArithmeticInstructions.Style.WORKING, ArithmeticInstructions.styleOf(GreaterPreset.OFFICIAL_INITIAL_PROMPT));
        assertEquals(ArithmeticInstructions.Style.WORKING, ArithmeticInstructions.styleOf(ArithmeticInstructions.WORKING_EXAMPLE));
        assertEquals(ArithmeticInstructions.Style.DIRECT, ArithmeticInstructions.styleOf(ArithmeticInstructions.DEMO_START));
        assertEquals(ArithmeticInstructions.Style.DIRECT, ArithmeticInstructions.styleOf(ArithmeticInstructions.SPEED_EXAMPLE));
        assertEquals(ArithmeticInstructions.Style.NEUTRAL, ArithmeticInstructions.styleOf("give the answer."));
        assertEquals(ArithmeticInstructions.Style.NEUTRAL, ArithmeticInstructions.styleOf("just give the answer carefully."));
        assertEquals(ArithmeticInstructions.Style.WORKING, ArithmeticInstructions.styleOf("give the answer carefully."));
        check(ArithmeticInstructions.CORE_WORKING, ArithmeticInstructions.Style.WORKING);
        check(ArithmeticInstructions.ADVERB_WORKING, ArithmeticInstructions.Style.WORKING);
        check(ArithmeticInstructions.LEAD_WORKING, ArithmeticInstructions.Style.WORKING);
        check(ArithmeticInstructions.CLOSING_WORKING, ArithmeticInstructions.Style.WORKING);
        check(ArithmeticInstructions.CORE_SPEED, ArithmeticInstructions.Style.DIRECT);
        check(ArithmeticInstructions.ADVERB_SPEED, ArithmeticInstructions.Style.DIRECT);
        check(ArithmeticInstructions.LEAD_SPEED, ArithmeticInstructions.Style.DIRECT);
        check(ArithmeticInstructions.CLOSING_SPEED, ArithmeticInstructions.Style.DIRECT);
        check(ArithmeticInstructions.CORE_NEUTRAL, ArithmeticInstructions.Style.NEUTRAL);
        check(ArithmeticInstructions.ADVERB_NEUTRAL, ArithmeticInstructions.Style.NEUTRAL);
        check(ArithmeticInstructions.LEAD_NEUTRAL, ArithmeticInstructions.Style.NEUTRAL);
        check(ArithmeticInstructions.CLOSING_NEUTRAL, ArithmeticInstructions.Style.NEUTRAL);
    }

    private static void check(List<String> parts, ArithmeticInstructions.Style style) {
        for (String p : parts) assertEquals(style, ArithmeticInstructions.styleOf(p), p);
    }

    @Test
    void theCorpusAnswersEachStyleAsAsked() {
        ArithmeticCorpus corpus = new ArithmeticCorpus(task);
        SplittableRandom rng = new SplittableRandom(5);
        Set<String> instructions = new HashSet<>();
        int neutralWorked = 0, neutral = 0;
        for (int i = 0; i < 4000; i++) {
            ArithmeticCorpus.Conversation c = corpus.sample(rng);
            instructions.add(c.instruction().text());
            assertEquals(ArithmeticTask.Split.TRAIN, ArithmeticTask.splitOf(c.problem().question()));
            assertTrue(c.user().startsWith(c.problem().question() + ". Use "), c.user());
            assertEquals(c.working(), c.reply().startsWith(ArithmeticProblem.WORKING_LEAD));
            assertTrue(c.reply().endsWith(ArithmeticTask.EXTRACTOR + c.problem().answer() + "$"), c.reply());
            switch (c.instruction().style()) {
                case WORKING -> assertTrue(c.working(), c.user());
                case DIRECT -> assertFalse(c.working(), c.user());
                case NEUTRAL -> {
                    neutral++;
                    if (c.working()) neutralWorked++;
                }
            }
        }
        assertTrue(instructions.size() > 2000, "a large space of phrasings: " + instructions.size() + " distinct in 4000");
        assertTrue(Math.abs(neutralWorked - neutral * ArithmeticCorpus.NEUTRAL_WORKING_SHARE) < 0.1 * neutral, neutralWorked + " of " + neutral);
    }

    /** A recursive-descent evaluator of the question text, independent of the generator. */
    private static final class Parser {
        private final String s;
        private int at;

        private Parser(String s) {
            this.s = s;
        }

        static int value(String expression) {
            Parser p = new Parser(expression);
            int v = p.expression();
            if (p.at != p.s.length()) throw new IllegalArgumentException("trailing text in " + expression);
            return v;
        }

        // Every sub-expression is parenthesized, so operators apply left to right at one level.
        private int expression() {
            int v = operand();
            while (at < s.length() && s.charAt(at) == ' ') {
                char op = s.charAt(at + 1);
                at += 3;
                int r = operand();
                v = switch (op) {
                    case '+' -> v + r;
                    case '-' -> v - r;
                    case '*' -> v * r;
                    default -> throw new IllegalArgumentException("operator " + op);
                };
            }
            return v;
        }

        private int operand() {
            if (s.charAt(at) == '(') {
                at++;
                int v = expression();
                at++; // ')'
                return v;
            }
            int start = at;
            if (s.charAt(at) == '-') at++;
            while (at < s.length() && Character.isDigit(s.charAt(at))) at++;
            return Integer.parseInt(s.substring(start, at));
        }
    }
}
