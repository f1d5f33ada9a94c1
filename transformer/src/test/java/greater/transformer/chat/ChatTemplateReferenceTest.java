package greater.transformer.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import greater.transformer.tokenizer.SharedTokenizers;
import greater.transformer.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every committed chat case of the four real tokenizers: the ids equal transformers'
 * {@code apply_chat_template(messages, add_generation_prompt=True, tokenize=True)}, with the
 * template chosen from the tokenizer's own tokenizer_config.json (Llama-2's ships none: the
 * fixture carries the official Llama-2-chat template, which must be recognised too).
 */
class ChatTemplateReferenceTest {
    static final List<String> NAMES = SharedTokenizers.NAMES;

    @ParameterizedTest
    @FieldSource("NAMES")
    void chatIdsMatchTransformers(String name) {
        Tokenizer tok = SharedTokenizers.load(name);
        JsonNode expected = SharedTokenizers.expected(name);
        ChatTemplate template = templateOf(tok, expected);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (JsonNode c : expected.get("chat")) {
            if (!c.has("ids")) {
                continue;
            }
            cases++;
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                messages.add(new Message(Role.of(m.get("role").asText()), m.get("content").asText()));
            }
            RenderedChat chat = template.apply(tok, messages);
            int[] ids = SharedTokenizers.ints(c.get("ids"));
            if (!chat.text().equals(c.get("text").asText())) {
                failures.add("text of case " + (cases - 1) + ": expected " + show(c.get("text").asText())
                        + " got " + show(chat.text()));
            } else if (!Arrays.equals(ids, chat.ids())) {
                failures.add("ids of case " + (cases - 1) + ": expected " + Arrays.toString(ids) + " got "
                        + Arrays.toString(chat.ids()));
            }
            for (ContentSpan span : chat.contents()) {
                String rendered = chat.text().substring(span.charStart(), span.charEnd());
                String own = messages.get(span.message()).content();
                if (!own.startsWith(rendered, span.sourceOffset())) {
                    failures.add("content span of message " + span.message() + " in case " + (cases - 1)
                            + " does not point at its content: " + show(rendered));
                }
            }
        }
        System.out.println(name + " (" + template.name() + "): " + (cases - failures.size()) + "/" + cases
                + " chat reference cases match");
        assertTrue(cases > 0, "no chat cases for " + name);
        assertTrue(failures.isEmpty(), name + ": " + failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    /** Llama-3.1's template (with its knowledge-cutoff system header) over the Llama-3 tokenizer. */
    @org.junit.jupiter.api.Test
    void llama31ChatIdsMatchTransformers() {
        Tokenizer tok = SharedTokenizers.load("llama3");
        JsonNode expected = SharedTokenizers.expected("llama3");
        ChatTemplate template = ChatTemplate.forModel("llama", expected.get("chat_llama31_template").asText());
        org.junit.jupiter.api.Assertions.assertEquals("llama3.1", template.name());
        int cases = 0;
        for (JsonNode c : expected.get("chat_llama31")) {
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                messages.add(new Message(Role.of(m.get("role").asText()), m.get("content").asText()));
            }
            RenderedChat chat = template.apply(tok, messages);
            org.junit.jupiter.api.Assertions.assertEquals(c.get("text").asText(), chat.text(), "llama3.1 text");
            org.junit.jupiter.api.Assertions.assertArrayEquals(SharedTokenizers.ints(c.get("ids")), chat.ids(), "llama3.1 ids");
            cases++;
        }
        System.out.println("llama3 tokenizer, llama3.1 template: " + cases + "/" + cases + " chat reference cases match");
    }

    /** {@code continue_final_message=True}: the last assistant turn left open for the model to go on. */
    @ParameterizedTest
    @FieldSource("NAMES")
    void continuedChatIdsMatchTransformers(String name) {
        Tokenizer tok = SharedTokenizers.load(name);
        JsonNode expected = SharedTokenizers.expected(name);
        ChatTemplate template = templateOf(tok, expected);
        int cases = 0;
        for (JsonNode c : expected.get("chat_continue")) {
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                messages.add(new Message(Role.of(m.get("role").asText()), m.get("content").asText()));
            }
            RenderedChat chat = template.continueFinalMessage(tok, messages);
            org.junit.jupiter.api.Assertions.assertEquals(c.get("text").asText(), chat.text(), name + " continued text");
            org.junit.jupiter.api.Assertions.assertArrayEquals(SharedTokenizers.ints(c.get("ids")), chat.ids(),
                    name + " continued ids");
            var open = chat.tokensOf(messages.size() - 1);
            org.junit.jupiter.api.Assertions.assertEquals(chat.ids().length, open.end(), "the open turn ends the ids");
            cases++;
        }
        System.out.println(name + ": " + cases + "/" + cases + " continued-chat reference cases match");
    }

    /** GReaTer's use: the tokens of the prompt inside a user turn decode back to the prompt. */
    @ParameterizedTest
    @FieldSource("NAMES")
    void promptTokensDecodeToThePrompt(String name) {
        Tokenizer tok = SharedTokenizers.load(name);
        JsonNode expected = SharedTokenizers.expected(name);
        String question = "Tom has 3 apples and buys 12 more. How many apples does he have?";
        String prompt = "Let's think step by step.";
        List<Message> messages = List.of(Message.system("You are a careful solver."),
                Message.user(question + "\n" + prompt), Message.assistant("He has 15 apples."), Message.user(question));
        RenderedChat chat = templateOf(tok, expected).apply(tok, messages);
        int from = question.length() + 1;
        var span = chat.tokensOf(1, from, from + prompt.length());
        String decoded = tok.decode(Arrays.copyOfRange(chat.ids(), span.start(), span.end()));
        org.junit.jupiter.api.Assertions.assertEquals(prompt, decoded.strip(), name + " prompt tokens " + span);
        var answer = chat.tokensOf(2);
        org.junit.jupiter.api.Assertions.assertEquals("He has 15 apples.",
                tok.decode(Arrays.copyOfRange(chat.ids(), answer.start(), answer.end())).strip());
    }

    /** The tokenizer's own chat template, or the fixture's override (Llama-2 ships none). */
    static ChatTemplate templateOf(Tokenizer tok, JsonNode expected) {
        String source = expected.has("chat_template_override")
                ? expected.get("chat_template_override").asText()
                : tok.chatTemplateSource().orElseThrow();
        return ChatTemplate.forModel(null, source);
    }

    static String show(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
