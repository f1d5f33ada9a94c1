package greater.transformer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import greater.transformer.tokenizer.SharedTokenizers;
import greater.transformer.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published templates of Qwen3 (enable_thinking false and true), SmolLM3 (both modes), Phi-3,
 * Phi-3.5, Phi-3-medium, Phi-4-mini, Granite 3.0-3.3 and OLMo-2, each recognised from its Jinja
 * source and rendered as transformers renders it: the text of every case equals
 * {@code render_jinja_template} (what {@code apply_chat_template(tokenize=False)} gives), and where
 * the family's tokenizer is in ../shared (Qwen3) the ids equal {@code apply_chat_template(tokenize=True)}.
 * Fixture: {@code transformer/reference/chat_template_fixtures.py}, which lists where each template
 * was read; templates that write the date get the fixture's pinned date.
 */
class ChatTemplateFamiliesReferenceTest {
    static final JsonNode EXPECTED = load();

    static List<String> names() {
        return StreamSupport.stream(EXPECTED.get("templates").spliterator(), false).map(t -> t.get("name").asText())
                .toList();
    }

    @ParameterizedTest
    @MethodSource("names")
    void textsAndIdsMatchTransformers(String name) {
        JsonNode entry = entry(name);
        ChatTemplate template = TemplateRecognizer.recognize(entry.get("source").asText(),
                LocalDate.parse(EXPECTED.get("date").asText()));
        if (entry.get("kwargs").has("enable_thinking") && !entry.get("kwargs").get("enable_thinking").asBoolean()) {
            template = template.withoutThinking();
        }
        assertEquals(entry.get("template").asText(), template.name(), name + ": recognised as");
        Tokenizer tok = entry.get("tokenizer").isNull() ? null : SharedTokenizers.load(entry.get("tokenizer").asText());
        String bos = text(entry.get("bos_token")), eos = text(entry.get("eos_token"));
        List<String> failures = new ArrayList<>();
        int cases = 0, withIds = 0;
        for (JsonNode c : entry.get("cases")) {
            cases++;
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                messages.add(new Message(Role.of(m.get("role").asText()), m.get("content").asText()));
            }
            boolean continued = c.has("continue_final_message");
            boolean generation = c.has("add_generation_prompt") && c.get("add_generation_prompt").asBoolean();
            ChatText text = continued ? template.renderContinued(messages, bos, eos)
                    : template.render(messages, generation, bos, eos);
            String label = "case " + (cases - 1) + (continued ? " (continued)" : generation ? "" : " (no generation prompt)");
            if (!text.text().equals(c.get("text").asText())) {
                failures.add(label + ": expected " + ChatTemplateReferenceTest.show(c.get("text").asText()) + " got "
                        + ChatTemplateReferenceTest.show(text.text()));
                continue;
            }
            for (ChatText.Piece p : text.pieces()) {
                String rendered = text.text().substring(p.charStart(), p.charEnd());
                if (!messages.get(p.message()).content().startsWith(rendered, p.sourceOffset())) {
                    failures.add(label + ": content span of message " + p.message() + " does not point at its content");
                }
            }
            if (tok != null && c.has("ids")) {
                withIds++;
                RenderedChat chat = continued ? template.continueFinalMessage(tok, messages)
                        : template.apply(tok, messages, generation);
                int[] ids = SharedTokenizers.ints(c.get("ids"));
                if (!Arrays.equals(ids, chat.ids())) {
                    failures.add(label + " ids: expected " + Arrays.toString(ids) + " got " + Arrays.toString(chat.ids()));
                }
            }
        }
        System.out.println(name + " (" + template.name() + "): " + (cases - failures.size()) + "/" + cases
                + " cases match transformers' text" + (tok == null ? "" : ", " + withIds + " also by ids"));
        assertTrue(cases > 0, "no cases for " + name);
        assertTrue(failures.isEmpty(), name + ": " + failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    private static JsonNode entry(String name) {
        for (JsonNode t : EXPECTED.get("templates")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static String text(JsonNode token) {
        return token == null || token.isNull() ? "" : token.asText();
    }

    private static JsonNode load() {
        try (InputStream in = ChatTemplateFamiliesReferenceTest.class.getResourceAsStream("/chat/expected_templates.json")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource chat/expected_templates.json");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
