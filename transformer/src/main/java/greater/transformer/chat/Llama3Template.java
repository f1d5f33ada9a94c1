package greater.transformer.chat;

import java.util.List;

/**
 * Meta Llama-3 (3.0) chat format:
 * <pre>
 * {% for message in messages %}
 *   {% set content = '&lt;|start_header_id|&gt;' + message['role'] + '&lt;|end_header_id|&gt;\n\n'
 *                    + message['content'] | trim + '&lt;|eot_id|&gt;' %}
 *   {% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}
 * {% endfor %}
 * {{ '&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n' }}
 * </pre>
 * The original template writes the generation prompt unconditionally (later revisions wrap it in
 * {@code if add_generation_prompt}): {@code alwaysPrompt} says which one the model ships.
 */
record Llama3Template(boolean alwaysPrompt) implements ChatTemplate {
    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public String endOfTurn() {
        return "<|eot_id|>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (i == 0) {
                b.literal(bosToken);
            }
            b.literal("<|start_header_id|>" + m.role().id() + "<|end_header_id|>\n\n");
            b.trimmedContent(i, m.content());
            b.literal("<|eot_id|>");
        }
        if (alwaysPrompt || addGenerationPrompt) {
            b.literal("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return b.build();
    }
}
