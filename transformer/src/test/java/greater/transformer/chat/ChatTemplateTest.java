package greater.transformer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import greater.transformer.tokenizer.TokenSpan;
import greater.transformer.tokenizer.Tokenizer;
import greater.transformer.tokenizer.TokenizerException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Template choice, rendering rules and content spans without ../shared (the reference test checks
 * the ids against transformers with the real tokenizers). The expected texts follow the Jinja
 * sources quoted in each template's class comment.
 */
class ChatTemplateTest {
    static final String QWEN25 = "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role'] == "
            + "'system' %}\n        {{- messages[0]['content'] }}\n    {%- else %}\n        {{- 'You are Qwen, created by "
            + "Alibaba Cloud. You are a helpful assistant.' }}\n    {%- endif %}\n{%- else %}\n    {%- if messages[0]['role'] "
            + "== 'system' %}\n        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n    {%- else "
            + "%}\n        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
            + "<|im_end|>\\n' }}\n    {%- endif %}\n{%- endif %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
            + "{%- endif %}";
    static final String SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}"
            + "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    static final String GEMMA2 = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role "
            + "not supported') }}{% endif %}{% for message in messages %}{{ '<start_of_turn>' + role + '\\n' }}{% endfor %}";

    @Test
    void byNameAndUnknownNames() {
        for (String name : ChatTemplate.names()) {
            assertEquals(name, ChatTemplate.byName(name).name());
        }
        TokenizerException e = assertThrows(TokenizerException.class, () -> ChatTemplate.byName("vicuna"));
        assertEquals("unknown chat template \"vicuna\" (known: " + String.join(", ", ChatTemplate.names()) + ")",
                e.getMessage());
        assertTrue(e.getMessage().contains("qwen3-nothink, smollm3, smollm3-nothink, phi3, phi3.5, phi3-medium, phi4-mini,"
                + " granite, granite3.0, olmo2"), e.getMessage());
        assertEquals("qwen3-nothink", ChatTemplate.byName("qwen3").withoutThinking().name());
        assertEquals("smollm3-nothink", ChatTemplate.byName("smollm3").withoutThinking().name());
        e = assertThrows(TokenizerException.class, () -> ChatTemplate.byName("llama3").withoutThinking());
        assertEquals("llama3 chat template has no enable_thinking switch", e.getMessage());
    }

    /** Templates that share markers with a supported family but render differently are refused, naming --template. */
    @Test
    void lookalikeTemplatesAreRefused() {
        String phi3Small = "{{ bos_token }}{% for message in messages %}{{'<|' + message['role'] + '|>' + '\n' + "
                + "message['content'] + '<|end|>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}"
                + "{% else %}{{ eos_token }}{% endif %}";
        String zephyr = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + "
                + "message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + "
                + "message['content'] + eos_token }}\n{% endif %}{% endfor %}";
        String graniteWithoutPlainBranch = "{%- set system_message = \"Today: \" + strftime_now('%B %d, %Y') + \".\" %}"
                + "{{ '<|start_of_role|>system<|end_of_role|>' }}";
        for (String source : List.of(phi3Small, zephyr, graniteWithoutPlainBranch)) {
            TokenizerException e = assertThrows(TokenizerException.class, () -> ChatTemplate.forModel(null, source));
            assertTrue(e.getMessage().contains("choose one with --template NAME (known: "), e.getMessage());
        }
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> TemplateRecognizer.strftime("%H:%M", java.time.LocalDate.of(2025, 7, 4)));
        assertTrue(e.getMessage().contains("--template NAME"), e.getMessage());
    }

    @Test
    void strftimeAndJinjaStrings() {
        java.time.LocalDate d = java.time.LocalDate.of(2025, 9, 1);
        assertEquals("01 September 2025", TemplateRecognizer.strftime("%d %B %Y", d));
        assertEquals("September 01, 2025", TemplateRecognizer.strftime("%B %d, %Y", d));
        assertEquals("01 Sep 2025 Mon 09/25 100%", TemplateRecognizer.strftime("%d %b %Y %a %m/%y 100%%", d));
        assertEquals("a\nb 'c' \\q", TemplateRecognizer.jinjaString("'a\\nb \\'c\\' \\q'"));
    }

    @Test
    void recognisedFromSourceOrModelType() {
        assertEquals("llama3", ChatTemplate.forModel("llama", "{{ '<|start_header_id|>' }}").name());
        assertEquals("llama2", ChatTemplate.forModel("llama", "{{ '[INST] ' }}{{ '<<SYS>>\\n' }}").name());
        assertEquals("llama2", ChatTemplate.forModel("llama", null).name());
        assertEquals("gemma", ChatTemplate.forModel("gemma3_text", null).name());
        assertEquals("qwen3", ChatTemplate.forModel("qwen3", null).name());
        assertEquals("chatml", ChatTemplate.forModel(null, SMOLLM2).name());
        assertEquals("llama3.1", ChatTemplate.forModel("llama",
                "{{ '<|start_header_id|>system' }}{{ 'Cutting Knowledge Date: December 2023' }}").name());
        assertEquals("26 Jul 2024", TemplateRecognizer.dateString("{%- set date_string = \"26 Jul 2024\" %}", java.time.LocalDate.now()));
        assertEquals("04 Jul 2025", TemplateRecognizer.dateString(
                "{%- set date_string = strftime_now(\"%d %b %Y\") %}", java.time.LocalDate.of(2025, 7, 4)));
        assertEquals("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
                TemplateRecognizer.defaultSystem(QWEN25));
        assertEquals("You are a helpful AI assistant named SmolLM, trained by Hugging Face",
                TemplateRecognizer.defaultSystem(SMOLLM2));
        assertNull(TemplateRecognizer.defaultSystem("{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}"));
        TokenizerException e = assertThrows(TokenizerException.class, () -> ChatTemplate.forModel("mistral", null));
        assertTrue(e.getMessage().contains("--template NAME"), e.getMessage());
        e = assertThrows(TokenizerException.class, () -> ChatTemplate.forModel("x", "{{ '### Human: ' }}"));
        assertTrue(e.getMessage().startsWith("unrecognised chat_template"), e.getMessage());
    }

    @Test
    void rolesParseTheirTransformersNames() {
        for (Role r : Role.values()) assertEquals(r, Role.of(r.id().toUpperCase(java.util.Locale.ROOT)));
        assertEquals(new Message(Role.SYSTEM, "s"), Message.system("s"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.of("tool"));
        assertTrue(e.getMessage().contains("\"tool\""), e.getMessage());
    }

    @Test
    void llama3TrimsContentAndRecordsWhereItLanded() {
        ChatText t = ChatTemplate.byName("llama3").render(List.of(Message.system(" Be brief. "), Message.user("\n Hi there\t")),
                true, "<|begin_of_text|>", "<|end_of_text|>");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.text());
        ChatText.Piece user = t.pieces().get(1);
        assertEquals("Hi there", t.text().substring(user.charStart(), user.charEnd()));
        assertEquals(2, user.sourceOffset());
    }

    @Test
    void llama2FoldsTheSystemMessageAndStripsTheTurn() {
        ChatText t = ChatTemplate.byName("llama2").render(List.of(Message.system("Sys"), Message.user("Q1  "),
                Message.assistant(" A1 "), Message.user("Q2")), true, "<s>", "</s>");
        assertEquals("<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\nQ1 [/INST] A1 </s><s>[INST] Q2 [/INST]", t.text());
        assertEquals(List.of("Sys", "Q1", "A1", "Q2"), t.pieces().stream()
                .map(p -> t.text().substring(p.charStart(), p.charEnd())).toList());
    }

    @Test
    void gemmaMapsAssistantToModelAndFoldsSystem() {
        ChatText t = ChatTemplate.byName("gemma").render(List.of(Message.system("Sys "), Message.user(" Q "),
                Message.assistant("A")), true, "<bos>", "<eos>");
        assertEquals("<bos><start_of_turn>user\nSys \n\nQ<end_of_turn>\n<start_of_turn>model\nA<end_of_turn>\n"
                + "<start_of_turn>model\n", t.text());
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> ChatTemplate.forModel("gemma2", GEMMA2).render(List.of(Message.system("s"), Message.user("u")), true, "", ""));
        assertTrue(e.getMessage().contains("system role not supported"));
    }

    @Test
    void rolesMustAlternateWhereTheTemplateSaysSo() {
        List<Message> twoUsers = List.of(Message.user("a"), Message.user("b"));
        for (String name : List.of("llama2", "gemma")) {
            TokenizerException e = assertThrows(TokenizerException.class,
                    () -> ChatTemplate.byName(name).render(twoUsers, true, "", ""));
            assertTrue(e.getMessage().contains("roles must alternate"), e.getMessage());
        }
        ChatTemplate.byName("chatml").render(twoUsers, true, "", "");   // ChatML does not care
    }

    @Test
    void chatMlVariants() {
        List<Message> m = List.of(Message.user("Q"), Message.assistant("<think>\nplan\n</think>\n\nA"), Message.user("Q2"));
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nplan\n</think>\n\nA<|im_end|>\n"
                + "<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplate.byName("qwen2.5").render(m, true, "", "").text());
        // Qwen3 drops the reasoning of turns before the last query ...
        assertEquals("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n"
                + "<|im_start|>assistant\n", ChatTemplate.byName("qwen3").render(m, true, "", "").text());
        // ... and writes an (empty) think block for a final assistant turn after it.
        ChatText t = ChatTemplate.byName("qwen3").render(List.of(Message.user("Q"), Message.assistant("A")), false, "", "");
        assertEquals("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nA<|im_end|>\n", t.text());
        assertEquals("A", t.text().substring(t.pieces().get(1).charStart(), t.pieces().get(1).charEnd()));
    }

    @Test
    void renderedChatFindsThePromptInsideAMessage() {
        Tokenizer tok = Tokenizer.fromJson(greater.transformer.tokenizer.TinyTokenizersAccess.byteLevel(), null, "tiny");
        String question = "hello world";
        String prompt = "the hello";
        RenderedChat chat = ChatTemplate.byName("chatml").apply(tok, List.of(Message.user(question + "\n" + prompt)));
        int from = question.length() + 1;
        TokenSpan span = chat.tokensOf(0, from, from + prompt.length());
        int[] ids = chat.ids();
        String decoded = tok.decode(java.util.Arrays.copyOfRange(ids, span.start(), span.end()));
        assertEquals(prompt, decoded);
        TokenSpan whole = chat.tokensOf(0);
        assertTrue(whole.start() < span.start() && span.end() == whole.end());
        assertEquals(question, tok.decode(java.util.Arrays.copyOfRange(ids, whole.start(), chat.tokensOf(0, 0, question.length()).end())));
    }
}
