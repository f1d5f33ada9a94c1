package greater.optimizer.task;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The instructions of the arithmetic demo corpus: a large space of phrasings composed from parts,
 * {@code [lead] core [adverb]. [closing]}, e.g. "proper logical reasoning and think step by step.
 * Finally give the actual correct answer." or "just give the answer quickly.". Because every
 * part is drawn independently, the model sees the parts in many combinations, and token-level
 * edits of an instruction (what GReaTer does) still land in familiar territory.
 *
 * <p>What a phrasing asks for is decided by its cue words alone ({@link #styleOf}): words that ask
 * for working ({@link #WORKING_CUES}: step, carefully, show, ...) make it {@link Style#WORKING},
 * words that ask for speed ({@link #SPEED_CUES}: just, quickly, only, ...) make it
 * {@link Style#DIRECT}; neither, or both, make it {@link Style#NEUTRAL}, answered either way.
 */
public final class ArithmeticInstructions {
    /** What an instruction asks for. */
    public enum Style { WORKING, DIRECT, NEUTRAL }

    /** An instruction and its style. */
    public record Instruction(String text, Style style) {
    }

    /** A weak start for the demo: a speed phrasing. */
    public static final String DEMO_START = "just give the answer quickly.";
    /** Typical phrasings of each kind, for evaluation. */
    public static final String WORKING_EXAMPLE = "think step by step.";
    public static final String SPEED_EXAMPLE = "answer directly.";

    public static final Set<String> WORKING_CUES = Set.of("step", "steps", "carefully", "careful", "show", "thoroughly",
            "detail", "slowly", "intermediate", "scratchpad", "explain", "methodically", "written", "through");
    public static final Set<String> SPEED_CUES = Set.of("just", "quickly", "quick", "fast", "immediately", "directly",
            "only", "brief", "briefly", "short", "skip", "without", "instantly", "guess", "mental");

    // Parts, each list by the style it carries. Leads end with " and " (or are empty).
    static final List<String> LEAD_NEUTRAL = List.of("proper logical reasoning and ", "logical reasoning and ",
            "simple arithmetic and ", "the order of operations and ", "basic math and ", "good sense and ",
            "your knowledge of arithmetic and ", "proper reasoning and ");
    static final List<String> LEAD_WORKING = List.of("careful reasoning and ", "a scratchpad and ", "written calculations and ",
            "a careful method and ");
    static final List<String> LEAD_SPEED = List.of("mental math and ", "a quick guess and ", "quick intuition and ",
            "a fast estimate and ");

    static final List<String> CORE_WORKING = List.of("think step by step", "show each step", "show your work",
            "work through it step by step", "write out each step", "solve it one step at a time",
            "compute every intermediate result", "break it into steps", "explain each step", "think it through",
            "go through the steps", "show the calculation");
    static final List<String> CORE_SPEED = List.of("just give the answer", "give only the final answer", "answer directly",
            "skip the working", "answer immediately", "reply with just the number", "give the answer without working",
            "guess the answer", "only state the result", "just answer", "give a quick answer", "answer fast");
    static final List<String> CORE_NEUTRAL = List.of("solve the problem", "give the answer", "find the value",
            "compute the result", "answer the question", "work out the value", "calculate it", "evaluate the expression",
            "determine the result", "get the right answer", "solve it", "give the correct answer");

    static final List<String> ADVERB_NEUTRAL = List.of("correctly", "please", "now", "for me", "accurately", "precisely",
            "exactly", "properly");
    static final List<String> ADVERB_WORKING = List.of("carefully", "step by step", "slowly", "thoroughly", "in detail",
            "methodically");
    static final List<String> ADVERB_SPEED = List.of("quickly", "fast", "immediately", "briefly", "instantly", "directly");

    static final List<String> CLOSING_NEUTRAL = List.of("Finally give the actual correct answer.", "Then give the answer.",
            "Give the final answer.", "Be accurate.", "Finally state the answer.", "Make sure it is correct.");
    static final List<String> CLOSING_WORKING = List.of("Show all intermediate results.", "Explain your reasoning.",
            "Write down each step.");
    static final List<String> CLOSING_SPEED = List.of("Keep it short.", "Be brief.", "Answer only.");

    private ArithmeticInstructions() {
    }

    /** A random instruction from the whole space, with its style. */
    public static Instruction sample(RandomGenerator rng) {
        String lead = pick(rng, 0.80, 0.10, "", LEAD_WORKING, LEAD_SPEED, LEAD_NEUTRAL, 0.6);
        String core = pick(rng, 0.25, 0.40, null, CORE_WORKING, CORE_SPEED, CORE_NEUTRAL, 0);
        String adverb = pick(rng, 0.60, 0.20, "", ADVERB_WORKING, ADVERB_SPEED, ADVERB_NEUTRAL, 0.5);
        String closing = pick(rng, 0.80, 0.10, "", CLOSING_WORKING, CLOSING_SPEED, CLOSING_NEUTRAL, 0.6);
        String text = lead + core + (adverb.isEmpty() ? "" : " " + adverb) + "." + (closing.isEmpty() ? "" : " " + closing);
        return new Instruction(text, styleOf(text));
    }

    /**
     * One part: neutral with probability {@code neutral} (of which a share {@code emptyShare} is the
     * empty string), working with probability {@code working}, else speed.
     */
    private static String pick(RandomGenerator rng, double neutral, double working, String empty,
                               List<String> w, List<String> s, List<String> n, double emptyShare) {
        double u = rng.nextDouble();
        if (u < neutral) {
            if (empty != null && rng.nextDouble() < emptyShare) return empty;
            return n.get(rng.nextInt(n.size()));
        }
        if (u < neutral + working) return w.get(rng.nextInt(w.size()));
        return s.get(rng.nextInt(s.size()));
    }

    /** The style of any instruction text, from its cue words. */
    public static Style styleOf(String instruction) {
        boolean working = false, speed = false;
        for (String word : instruction.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            working |= WORKING_CUES.contains(word);
            speed |= SPEED_CUES.contains(word);
        }
        if (working == speed) return Style.NEUTRAL;
        return working ? Style.WORKING : Style.DIRECT;
    }
}
