package greater.transformer.chat;

import java.util.List;

/**
 * Meta Llama-3.1 / 3.2 / 3.3 Instruct chat format (tool calling aside): always a system turn that
 * starts with the knowledge-cutoff header,
 * <pre>
 * bos + '&lt;|start_header_id|&gt;system&lt;|end_header_id|&gt;\n\n'
 *     + 'Cutting Knowledge Date: December 2023\nToday Date: ' + date_string + '\n\n'
 *     + system_message | trim + '&lt;|eot_id|&gt;'
 * </pre>
 * then every other message as in {@link Llama3Template} (content trimmed), and the generation
 * prompt when asked for. Llama-3.1/3.3 templates default {@code date_string} to "26 Jul 2024";
 * Llama-3.2's takes today's date ({@code strftime_now("%d %b %Y")}), as transformers renders it.
 */
record Llama31Template(String dateString) implements ChatTemplate {
    static final String DEFAULT_DATE = "26 Jul 2024";

    @Override
    public String name() {
        return "llama3.1";
    }

    @Override
    public String endOfTurn() {
        return "<|eot_id|>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        b.literal(bosToken + "<|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: " + dateString + "\n\n");
        int first = 0;
        if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM) {
            b.trimmedContent(0, messages.get(0).content());
            first = 1;
        }
        b.literal("<|eot_id|>");
        for (int i = first; i < messages.size(); i++) {
            Message m = messages.get(i);
            b.literal("<|start_header_id|>" + m.role().id() + "<|end_header_id|>\n\n");
            b.trimmedContent(i, m.content());
            b.literal("<|eot_id|>");
        }
        if (addGenerationPrompt) {
            b.literal("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return b.build();
    }
}
