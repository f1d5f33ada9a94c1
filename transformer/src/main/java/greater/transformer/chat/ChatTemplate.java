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
 * <p>Families: {@code llama3} ({@code <|start_header_id|>}, content trimmed), {@code llama2}
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
        return List.of("llama3", "llama2", "gemma", "chatml", "qwen2.5", "qwen3");
    }

    /**
     * The template called {@code name} (see {@link #names()}), as {@code --template NAME} selects it.
     *
     * @throws TokenizerException for an unknown name, listing the known ones
     */
    static ChatTemplate byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "llama3", "llama-3" -> new Llama3Template(false);
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
