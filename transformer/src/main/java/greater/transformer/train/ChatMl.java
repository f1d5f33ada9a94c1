package greater.transformer.train;

import java.util.List;

/**
 * The ChatML chat format the trained models use (as Qwen and SmolLM do):
 * <pre>
 *   &lt;|im_start|&gt;user\n{question}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n{reply}&lt;|im_end|&gt;
 * </pre>
 * no BOS, {@code <|im_end|>} ends a turn and is the EOS. {@link #TEMPLATE} is the Jinja template
 * written to tokenizer_config.json (the plain ChatML one, without a default system turn).
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

    /** What the template renders for one user message with add_generation_prompt. */
    public static String prompt(String user) {
        return IM_START + "user\n" + user + IM_END + "\n" + IM_START + "assistant\n";
    }
}
