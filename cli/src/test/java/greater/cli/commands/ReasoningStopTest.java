package greater.cli.commands;

import greater.optimizer.eval.Evaluation;
import greater.optimizer.eval.Evaluator;
import greater.optimizer.greater.ChatPromptFormat;
import greater.optimizer.greater.ReasoningStop;
import greater.optimizer.greater.SampleLayout;
import greater.optimizer.task.ArithmeticInstructions;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.transformer.LanguageModel;
import greater.transformer.infer.Generator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the demo model, whose reasoning ends with its own "Therefore, the final answer is $X$": the
 * extractor rule cuts the reasoning exactly before the " Therefore" token, the evaluation then
 * reads the model's own first answer, and the end-of-turn rule (the official code's) is unchanged.
 */
class ReasoningStopTest {
    private static final Pattern OWN_ANSWER = Pattern.compile("Therefore, the final answer is \\$(-?\\d+)\\$$");

    @Test
    void stemsAreTheExtractorBeforeItsFormatAndAnswer() {
        assertEquals("Therefore, the final answer is", ReasoningStop.stem(TaskPreset.named("arithmetic").extractor()));
        assertEquals("Therefore, the final answer", ReasoningStop.stem(TaskPreset.named("date_understanding").extractor()));
        assertEquals("Therefore, the final answer", ReasoningStop.stem(TaskPreset.named("navigate").extractor()));
        assertEquals("Therefore, the final answer", ReasoningStop.stem(TaskPreset.named("gsm8k").extractor()));
        assertEquals("", ReasoningStop.stem("$"));
        assertEquals(ReasoningStop.EXTRACTOR, ReasoningStop.parse("Extractor"));
        assertEquals("end-of-turn", ReasoningStop.END_OF_TURN.label());
    }

    @Test
    void theCutIsAtTheTokenBeforeTheModelsOwnExtractorAndTheEvaluationReadsItsFirstAnswer() {
        List<Example> examples = DemoTask.split(24, 0, 12, 0, 3).test();
        TaskPreset preset = DemoTask.task().preset();
        try (LanguageModel lm = LanguageModel.load(DemoModel.folder())) {
            ChatPromptFormat format = ChatPromptFormat.of(lm, null);
            int cut = 0, empty = 0;
            for (String prompt : List.of(ArithmeticInstructions.WORKING_EXAMPLE, ArithmeticInstructions.DEMO_START)) {
                for (Example e : examples) {
                    SampleLayout layout = format.layout(e, preset.extractor());
                    int[] context = concat(concat(layout.prefix(), format.encodePrompt(prompt)), layout.suffix());
                    int[] whole = new Generator(lm.transformer()).generate(context, ReasoningStop.END_OF_TURN.options(100, format, preset.extractor()));
                    int[] stopped = new Generator(lm.transformer()).generate(context, ReasoningStop.EXTRACTOR.options(100, format, preset.extractor()));
                    String wholeText = format.decode(whole);
                    assertTrue(OWN_ANSWER.matcher(wholeText).find(), "the demo model writes its own extractor: " + wholeText);
                    // A token-boundary cut: the stopped reasoning is a prefix of the whole one, and what
                    // follows it is the model's own " Therefore, the final answer is $X$".
                    assertArrayEquals(stopped, Arrays.copyOf(whole, stopped.length), wholeText);
                    String rest = format.decode(Arrays.copyOfRange(whole, stopped.length, whole.length));
                    assertTrue(rest.startsWith(stopped.length == 0 ? "Therefore, the final answer is $" : " Therefore, the final answer is $"),
                            "after the cut: '" + rest + "'");
                    String kept = format.decode(stopped);
                    assertEquals(kept.strip(), kept, "no whitespace is left at the cut");
                    if (stopped.length > 0) cut++;
                    else empty++;
                }
            }
            assertTrue(cut >= examples.size() && empty > 0, "working prompts reason, the speed prompt answers at once: " + cut + " / " + empty);

            // The evaluation under the extractor rule reads the answer the model wrote itself.
            Evaluation eot = new Evaluator(lm.transformer(), format, preset, 100, ReasoningStop.END_OF_TURN, 2048)
                    .evaluate(ArithmeticInstructions.WORKING_EXAMPLE, examples, null);
            Evaluation ext = new Evaluator(lm.transformer(), format, preset, 100, ReasoningStop.EXTRACTOR, 2048)
                    .evaluate(ArithmeticInstructions.WORKING_EXAMPLE, examples, null);
            for (int k = 0; k < examples.size(); k++) {
                Matcher own = OWN_ANSWER.matcher(eot.records().get(k).reasoning());
                assertTrue(own.find());
                assertEquals(own.group(1), ext.records().get(k).extracted(), ext.records().get(k).question());
                assertTrue(eot.records().get(k).reasoning().startsWith(ext.records().get(k).reasoning()));
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
