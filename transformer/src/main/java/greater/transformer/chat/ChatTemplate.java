package greater.transformer.chat;

import greater.transformer.tokenizer.Encoding;
import greater.transformer.tokenizer.TokenSpan;
import greater.transformer.tokenizer.Tokenizer;
import greater.transformer.tokenizer.TokenizerException;
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
 * system message; {@code qwen3}: Qwen3's think blocks).
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
        if (messages.isEmpty()) {
            throw new TokenizerException(name() + " chat template: no final message to continue");
        }
        String marker = "CONTINUE_FINAL_MESSAGE_TAG ";
        Message last = messages.get(messages.size() - 1);
        List<Message> marked = new ArrayList<>(messages);
        marked.set(messages.size() - 1, new Message(last.role(), last.content() + marker));
        ChatText text = render(marked, false, tokenizer.bosToken().orElse(""), tokenizer.eosToken().orElse(""));
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
        return tokenize(tokenizer, messages, new ChatText(cut, List.copyOf(pieces)));
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
        return List.of("llama3", "llama3.1", "llama2", "gemma", "chatml", "qwen2.5", "qwen3");
    }

    /**
     * The template called {@code name} (see {@link #names()}), as {@code --template NAME} selects it.
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
