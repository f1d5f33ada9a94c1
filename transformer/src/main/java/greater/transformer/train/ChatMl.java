package greater.transformer.train;

import java.util.List;

/**
 * What a trained model folder says about its chat format, ChatML (as Qwen and SmolLM use it): the
 * special tokens of the trained vocabulary and the Jinja template written to
 * tokenizer_config.json (the plain ChatML one, without a default system turn). No BOS;
 * {@code <|im_end|>} ends a turn and is the EOS. Rendering is the product's
 * {@link greater.transformer.chat.ChatTemplate} {@code "chatml"}, which recognises this template.
 */
public final class ChatMl {
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    /** Special tokens in id order: 0 = pad, 1 = turn start, 2 = turn end / eos. */
    public static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END);

    public static final String TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private ChatMl() {
    }
}
