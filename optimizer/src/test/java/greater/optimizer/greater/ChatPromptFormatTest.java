package greater.optimizer.greater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import greater.optimizer.task.Example;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;
import greater.transformer.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GReaTer layout over a real tokenizer and the template a user picks: the ids the optimizer
 * assembles from its pieces (prefix ⊕ prompt ⊕ suffix) equal the chat template's ids for the whole
 * user turn, which the transformer module checks against transformers' {@code apply_chat_template};
 * with Qwen3's thinking switched off the generation prompt carries the empty think block.
 */
class ChatPromptFormatTest {
    @ParameterizedTest
    @CsvSource({"qwen3, qwen3, false", "qwen3, qwen3-nothink, true", "gemma3, gemma, false"})
    void layoutIdsAreTheTemplatesIds(String tokenizer, String templateName, boolean emptyThinkBlock) {
        Tokenizer tok = Tokenizer.load(sharedTokenizer(tokenizer));
        ChatTemplate template = ChatTemplate.byName(templateName);
        ChatPromptFormat format = ChatPromptFormat.of(tok, template, Set.of());
        String question = "Tom has 3 apples and buys 12 more. How many apples does he have?";
        String prompt = "proper logical reasoning and think step by step.";
        SampleLayout layout = format.layout(new Example(question, "15"), "Therefore, the final answer is $");

        int[] assembled = Sample.concat(Sample.concat(layout.prefix(), format.encodePrompt(prompt)), layout.suffix());
        int[] whole = template.apply(tok, List.of(Message.user(question + ". Use " + prompt))).ids();
        assertArrayEquals(whole, assembled, templateName + ": the optimizer's pieces differ from the template's ids");
        assertEquals(prompt, format.decodePrompt(format.encodePrompt(prompt)));
        String suffix = tok.decode(layout.suffix(), false);
        assertEquals(emptyThinkBlock, suffix.endsWith("<think>\n\n</think>\n\n"), suffix);
        assertTrue(format.stopIds().contains(tok.tokenId(template.endOfTurn())), "stops at " + template.endOfTurn());
    }

    /** {@code shared/tokenizers/<name>} beside the repository; the test is skipped without it. */
    static Path sharedTokenizer(String name) {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path folder = d.resolve("shared").resolve("tokenizers").resolve(name);
            if (Files.isRegularFile(folder.resolve("tokenizer.json"))) {
                return folder;
            }
        }
        Assumptions.abort("../shared not found: skipping the " + name + " chat layout test");
        return null;
    }
}
