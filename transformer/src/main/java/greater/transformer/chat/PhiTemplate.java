package greater.transformer.chat;

import java.util.List;

/**
 * Microsoft Phi-3 / Phi-3.5 / Phi-4-mini chat formats: {@code '<|' + role + '|>' + sep + content +
 * '<|end|>' + sep} per message and {@code '<|assistant|>' + sep} as the generation prompt, else
 * {@code eos_token} when no generation prompt is asked for. Variants, as the shipped templates differ:
 * <ul>
 *   <li>{@code phi3} (Phi-3-mini-4k/128k-instruct): {@code sep = '\n'}; system, user and assistant
 *       messages only.</li>
 *   <li>{@code phi3.5} (Phi-3.5-mini-instruct): as {@code phi3}, but an empty system message is
 *       dropped.</li>
 *   <li>{@code phi3-medium} (Phi-3-medium and the first Phi-3-mini release): no generation-prompt
 *       switch: every user turn is {@code '<|user|>\n' + content + '<|end|>\n<|assistant|>\n'} and an
 *       assistant turn is {@code content + '<|end|>\n'}; system messages are dropped; {@code bos_token}
 *       first when the template writes it.</li>
 *   <li>{@code phi4-mini} (Phi-4-mini-instruct): {@code sep = ''}, every role written as is.</li>
 * </ul>
 * Source: the tokenizer_config.json templates as listed (with their ollama GGUF names) in
 * huggingface/huggingface.js packages/ollama-utils/src/chat-template-automap.ts @fe42e68, lines
 * 1036 (phi3:14b), 1048 (phi3:3.8b), 1060 (phi3.5:3.8b), 1081 (phi4-mini:3.8b).
 *
 * @param bos whether the template starts with {@code bos_token} ({@code phi3-medium} only)
 */
record PhiTemplate(String name, boolean bos) implements ChatTemplate {
    static final String PHI3 = "phi3", PHI35 = "phi3.5", PHI3_MEDIUM = "phi3-medium", PHI4_MINI = "phi4-mini";

    @Override
    public String endOfTurn() {
        return "<|end|>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        if (name.equals(PHI3_MEDIUM)) {
            if (bos) {
                b.literal(bosToken);
            }
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                if (m.role() == Role.USER) {
                    b.literal("<|user|>\n").content(i, m.content(), 0).literal("<|end|>\n<|assistant|>\n");
                } else if (m.role() == Role.ASSISTANT) {
                    b.content(i, m.content(), 0).literal("<|end|>\n");
                }
            }
            return b.build();
        }
        String sep = name.equals(PHI4_MINI) ? "" : "\n";
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (name.equals(PHI35) && m.role() == Role.SYSTEM && m.content().isEmpty()) {
                continue;
            }
            b.literal("<|" + m.role().id() + "|>" + sep).content(i, m.content(), 0).literal("<|end|>" + sep);
        }
        b.literal(addGenerationPrompt ? "<|assistant|>" + sep : eosToken);
        return b.build();
    }
}
