package greater.transformer.chat;

import greater.transformer.tokenizer.Encoding;
import greater.transformer.tokenizer.TokenSpan;
import greater.transformer.tokenizer.Tokenizer;
import greater.transformer.tokenizer.TokenizerException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model family's chat format, re-implemented in Java from the Jinja {@code chat_template} its
 * tokenizer_config.json ships, so that {@link #apply} yields exactly the ids of transformers'
 * {@code apply_chat_template(messages, add_generation_prompt=True, tokenize=True)}: the template
 * text is rendered (BOS written literally, as the templates do) and encoded with
 * {@code add_special_tokens=False} and special-token literals parsed, as transformers does.
 *
 * <p>Families: {@code llama3} ({@code <|start_header_id|>}, content trimmed), {@code llama3.1}
 * (3.1/3.2/3.3: a system turn with the knowledge-cutoff date header), {@code llama2}
 * ({@code [INST]}, {@code <<SYS>>}), {@code gemma} (Gemma 1/2/3 {@code <start_of_turn>}, assistant
 * spoken by "model", a system message folded into the first user turn), and ChatML
 * ({@code chatml}: SmolLM-style with no default system message; {@code qwen2.5}: Qwen's default
 * system message; {@code qwen3}: Qwen3's think blocks, {@code qwen3-nothink} with
 * {@code enable_thinking=False}), {@code smollm3} / {@code smollm3-nothink}, Phi ({@code phi3},
 * {@code phi3.5}, {@code phi3-medium}, {@code phi4-mini}), Granite 3.x ({@code granite},
 * {@code granite3.0}) and {@code olmo2} (OLMo-2 / Tülu-3).
 */
public interface ChatTemplate {
    /** The name {@link #byName} knows this template by. */
    String name();

    /** The token text that ends a turn (a generation stop string): {@code <|eot_id|>}, {@code <|im_end|>}, ... */
    String endOfTurn();

    /**
     * The conversation as text, with where each message's content landed.
     *
     * @param bosToken the tokenizer's {@code bos_token} text ("" when it has none)
     * @param eosToken the tokenizer's {@code eos_token} text ("" when it has none)
     * @throws TokenizerException when the template rejects the conversation (roles that do not
     *                            alternate, a system message it does not support)
     */
    ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken);

    /**
     * This template as transformers renders it with {@code enable_thinking=False}: the model is told
     * to answer without a reasoning block first (Qwen3, SmolLM3).
     *
     * @throws TokenizerException when the template has no such switch
     */
    default ChatTemplate withoutThinking() {
        throw new TokenizerException(name() + " chat template has no enable_thinking switch");
    }

    /** {@code apply(tokenizer, messages, true)}. */
    default RenderedChat apply(Tokenizer tokenizer, List<Message> messages) {
        return apply(tokenizer, messages, true);
    }

    /**
     * Renders and tokenizes {@code messages}; the result gives the ids and the token span of every
     * message's content.
     */
    default RenderedChat apply(Tokenizer tokenizer, List<Message> messages, boolean addGenerationPrompt) {
        ChatText text = render(messages, addGenerationPrompt, tokenizer.bosToken().orElse(""),
                tokenizer.eosToken().orElse(""));
        return tokenize(tokenizer, messages, text);
    }

    /**
     * The conversation with its final message left open, for the model to continue it (a
     * prefilled reasoning, say): transformers' {@code apply_chat_template(messages,
     * continue_final_message=True)}. As transformers does, the final content is rendered with a
     * marker appended and the text is cut where the marker starts (trailing whitespace dropped
     * when the template trimmed the marker's own trailing space).
     *
     * @throws TokenizerException when the template drops the final message's text
     */
    default RenderedChat continueFinalMessage(Tokenizer tokenizer, List<Message> messages) {
        return tokenize(tokenizer, messages, renderContinued(messages, tokenizer.bosToken().orElse(""),
                tokenizer.eosToken().orElse("")));
    }

    /**
     * The text of {@link #continueFinalMessage}, before tokenization.
     *
     * @throws TokenizerException when the template drops the final message's text
     */
    default ChatText renderContinued(List<Message> messages, String bosToken, String eosToken) {
        if (messages.isEmpty()) {
            throw new TokenizerException(name() + " chat template: no final message to continue");
        }
        String marker = "CONTINUE_FINAL_MESSAGE_TAG ";
        Message last = messages.get(messages.size() - 1);
        List<Message> marked = new ArrayList<>(messages);
        marked.set(messages.size() - 1, new Message(last.role(), last.content() + marker));
        ChatText text = render(marked, false, bosToken, eosToken);
        String full = text.text();
        int at = full.lastIndexOf(marker.strip());
        if (at < 0 || !full.contains(PythonStrings.strip(last.content()))) {
            throw new TokenizerException(name() + " chat template drops part of the final message, which cannot be"
                    + " continued");
        }
        String cut = full.startsWith(marker, at) ? full.substring(0, at)
                : full.substring(0, at - PythonStrings.trailingSpace(full.substring(0, at), 0));
        List<ChatText.Piece> pieces = new ArrayList<>();
        for (ChatText.Piece p : text.pieces()) {
            if (p.charStart() <= cut.length()) {
                pieces.add(new ChatText.Piece(p.message(), p.charStart(), Math.min(p.charEnd(), cut.length()),
                        p.sourceOffset()));
            }
        }
        return new ChatText(cut, List.copyOf(pieces));
    }

    private static RenderedChat tokenize(Tokenizer tokenizer, List<Message> messages, ChatText text) {
        Encoding encoding = tokenizer.encode(text.text(), false, true);
        List<ContentSpan> spans = new ArrayList<>(text.pieces().size());
        for (ChatText.Piece p : text.pieces()) {
            TokenSpan tokens = encoding.tokensCovering(p.charStart(), p.charEnd());
            spans.add(new ContentSpan(p.message(), messages.get(p.message()).role(), p.charStart(), p.charEnd(),
                    p.sourceOffset(), tokens));
        }
        return new RenderedChat(text.text(), encoding, List.copyOf(spans));
    }

    /** The names {@link #byName} accepts. */
    static List<String> names() {
        return List.of("llama3", "llama3.1", "llama2", "gemma", "chatml", "qwen2.5", "qwen3", "qwen3-nothink",
                "smollm3", "smollm3-nothink", "phi3", "phi3.5", "phi3-medium", "phi4-mini", "granite", "granite3.0",
                "olmo2");
    }

    /**
     * The template called {@code name} (see {@link #names()}), as {@code --template NAME} selects it.
     * {@code smollm3} and {@code granite}, whose templates write today's date, take the system
     * clock's; {@code llama3.1} writes its templates' fixed default date.
     *
     * @throws TokenizerException for an unknown name, listing the known ones
     */
    static ChatTemplate byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "llama3", "llama-3" -> new Llama3Template(false);
            case "llama3.1", "llama3.2", "llama3.3" -> new Llama31Template(Llama31Template.DEFAULT_DATE);
            case "llama2", "llama-2" -> new Llama2Template();
            case "gemma", "gemma2", "gemma3" -> new GemmaTemplate(true);
            case "chatml", "smollm" -> new ChatMlTemplate("chatml", null, false);
            case "qwen2.5", "qwen2" -> new ChatMlTemplate("qwen2.5", ChatMlTemplate.QWEN25_SYSTEM, false);
            case "qwen3" -> new ChatMlTemplate("qwen3", null, true);
            case "qwen3-nothink" -> new ChatMlTemplate("qwen3", null, true).withoutThinking();
            case "smollm3" -> new SmolLm3Template(TemplateRecognizer.strftime("%d %B %Y", LocalDate.now()), true);
            case "smollm3-nothink" -> new SmolLm3Template(TemplateRecognizer.strftime("%d %B %Y", LocalDate.now()), false);
            case "phi3", "phi-3" -> new PhiTemplate(PhiTemplate.PHI3, false);
            case "phi3.5", "phi-3.5" -> new PhiTemplate(PhiTemplate.PHI35, false);
            case "phi3-medium" -> new PhiTemplate(PhiTemplate.PHI3_MEDIUM, false);
            case "phi4-mini", "phi4" -> new PhiTemplate(PhiTemplate.PHI4_MINI, false);
            case "granite", "granite3", "granite3.1", "granite3.2", "granite3.3" -> new GraniteTemplate(
                    GraniteTemplate.DEFAULT_BEFORE_DATE + TemplateRecognizer.strftime("%B %d, %Y", LocalDate.now())
                            + GraniteTemplate.DEFAULT_AFTER_DATE);
            case "granite3.0" -> new GraniteTemplate(null);
            case "olmo2", "tulu3" -> new Olmo2Template();
            default -> throw new TokenizerException("unknown chat template \"" + name + "\" (known: "
                    + String.join(", ", names()) + ")");
        };
    }

    /**
     * The template for a model: recognised from its tokenizer_config.json {@code chat_template}
     * source when there is one, else chosen by {@code model_type} ({@code llama} without a
     * template means Llama-2 chat; {@code gemma*} Gemma; {@code qwen3*} Qwen3).
     *
     * @param modelType             config.json's {@code model_type}, may be null
     * @param chatTemplateSourceOrNull the Jinja source, may be null
     * @throws TokenizerException when neither identifies a supported template
     */
    static ChatTemplate forModel(String modelType, String chatTemplateSourceOrNull) {
        if (chatTemplateSourceOrNull != null && !chatTemplateSourceOrNull.isBlank()) {
            return TemplateRecognizer.recognize(chatTemplateSourceOrNull);
        }
        String type = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        if (type.equals("llama")) {
            return new Llama2Template();
        }
        if (type.startsWith("gemma")) {
            return new GemmaTemplate(true);
        }
        if (type.startsWith("qwen3")) {
            return new ChatMlTemplate("qwen3", null, true);
        }
        throw new TokenizerException("no chat_template in tokenizer_config.json and no default for model type \""
                + modelType + "\"; choose one with --template NAME (known: " + String.join(", ", names()) + ")");
    }

    /**
     * {@code --template NAME} if given, else {@link #forModel} with the tokenizer's own template.
     */
    static ChatTemplate resolve(String nameOrNull, String modelType, Tokenizer tokenizer) {
        if (nameOrNull != null) {
            return byName(nameOrNull);
        }
        return forModel(modelType, tokenizer.chatTemplateSource().orElse(null));
    }
}
