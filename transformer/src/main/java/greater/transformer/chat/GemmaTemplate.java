package greater.transformer.chat;

import greater.transformer.tokenizer.TokenizerException;
import java.util.List;

/**
 * Google Gemma chat format:
 * {@code bos + ('<start_of_turn>' + role + '\n' + content | trim + '<end_of_turn>\n')* }
 * with the assistant's role written "model", roles alternating user/model, and
 * {@code '<start_of_turn>model\n'} as the generation prompt. Gemma-3's template folds a leading
 * system message into the first user turn as {@code system + '\n\n'} (not trimmed); Gemma-1/2's
 * rejects it ({@code foldSystem=false}).
 */
record GemmaTemplate(boolean foldSystem) implements ChatTemplate {
    @Override
    public String name() {
        return "gemma";
    }

    @Override
    public String endOfTurn() {
        return "<end_of_turn>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        b.literal(bosToken);
        int first = 0;
        String system = null;
        if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM) {
            if (!foldSystem) {
                throw new TokenizerException("gemma chat template: system role not supported");
            }
            system = messages.get(0).content();
            first = 1;
        }
        for (int i = first; i < messages.size(); i++) {
            Message m = messages.get(i);
            int index = i - first;
            if ((m.role() == Role.USER) != (index % 2 == 0)) {
                throw new TokenizerException("gemma chat template: conversation roles must alternate "
                        + "user/assistant/user/assistant/... (message " + i + " is " + m.role().id() + ")");
            }
            String role = m.role() == Role.ASSISTANT ? "model" : m.role().id();
            b.literal("<start_of_turn>" + role + "\n");
            if (index == 0 && system != null) {
                b.content(0, system, 0).literal("\n\n");
            }
            b.trimmedContent(i, m.content());
            b.literal("<end_of_turn>\n");
        }
        if (addGenerationPrompt) {
            b.literal("<start_of_turn>model\n");
        }
        return b.build();
    }
}
