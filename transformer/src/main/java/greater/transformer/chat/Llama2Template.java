package greater.transformer.chat;

import greater.transformer.tokenizer.TokenizerException;
import java.util.List;

/**
 * Meta Llama-2-chat format (meta-llama/Llama-2-7b-chat-hf's template): a leading system message
 * goes inside the first user turn between {@code <<SYS>>} markers; each user turn is
 * {@code bos + '[INST] ' + content.strip() + ' [/INST]'}, each assistant turn
 * {@code ' ' + content.strip() + ' ' + eos}. Roles must alternate user/assistant. There is no
 * generation prompt: the text after {@code [/INST]} is where the answer goes.
 */
record Llama2Template() implements ChatTemplate {
    @Override
    public String name() {
        return "llama2";
    }

    @Override
    public String endOfTurn() {
        return "</s>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        int first = 0;
        String system = null;
        if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM) {
            system = messages.get(0).content();
            first = 1;
        }
        ChatText.Builder b = new ChatText.Builder();
        for (int i = first; i < messages.size(); i++) {
            Message m = messages.get(i);
            int index = i - first;
            if ((m.role() == Role.USER) != (index % 2 == 0)) {
                throw new TokenizerException("llama2 chat template: conversation roles must alternate "
                        + "user/assistant/user/assistant/... (message " + i + " is " + m.role().id() + ")");
            }
            if (m.role() == Role.USER) {
                b.literal(bosToken + "[INST] ");
                if (index == 0 && system != null) {
                    b.stripped(List.of("<<SYS>>\n", new ChatText.Part(0, system), "\n<</SYS>>\n\n",
                            new ChatText.Part(i, m.content())));
                } else {
                    b.trimmedContent(i, m.content());
                }
                b.literal(" [/INST]");
            } else if (m.role() == Role.ASSISTANT) {
                b.literal(" ");
                b.trimmedContent(i, m.content());
                b.literal(" " + eosToken);
            }
            // A system message after the first renders nothing, as in the Jinja template.
        }
        return b.build();
    }
}
