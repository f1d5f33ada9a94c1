package greater.transformer.chat;

import java.util.List;

/**
 * AllenAI OLMo-2 Instruct (Tülu-3) chat format:
 * <pre>
 * bos + '&lt;|system|&gt;\n' + system + '\n' + '&lt;|user|&gt;\n' + user + '\n'
 *     + '&lt;|assistant|&gt;\n' + answer + eos + '\n' (no '\n' after the last message)
 * </pre>
 * and {@code '<|assistant|>\n'} as the generation prompt; a turn ends with the tokenizer's
 * {@code eos_token} ({@code <|endoftext|>}). The role markers are plain text in OLMo-2's vocabulary.
 *
 * <p>Source: allenai/OLMo-2-1124-13B-Instruct tokenizer_config.json as vendored in
 * mauer4/Attention-From-Scratch weights/allenai/OLMo-2-1124-13B-Instruct/tokenizer_config.json
 * @7b2eb95; the 7B's is the same (huggingface/huggingface.js chat-template-automap.ts @fe42e68 line 1004).
 */
record Olmo2Template() implements ChatTemplate {
    @Override
    public String name() {
        return "olmo2";
    }

    @Override
    public String endOfTurn() {
        return "<|endoftext|>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        b.literal(bosToken);
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            boolean last = i == messages.size() - 1;
            b.literal("<|" + m.role().id() + "|>\n").content(i, m.content(), 0);
            b.literal(m.role() == Role.ASSISTANT ? eosToken + (last ? "" : "\n") : "\n");
            if (last && addGenerationPrompt) {
                b.literal("<|assistant|>\n");
            }
        }
        return b.build();
    }
}
