package greater.transformer.chat;

import java.util.List;

/**
 * IBM Granite 3.x chat format (tools, documents and controls aside):
 * {@code ('<|start_of_role|>' + role + '<|end_of_role|>' + content + '<|end_of_text|>\n')*} and
 * {@code '<|start_of_role|>assistant<|end_of_role|>'} as the generation prompt (after a last
 * message only). Granite 3.1, 3.2 and 3.3 write a default system turn when the conversation has
 * none: "Knowledge Cutoff Date: April 2024.\nToday's Date: " + {@code strftime_now('%B %d, %Y')} +
 * ".\nYou are Granite, developed by IBM. You are a helpful AI assistant." (its exact text is read
 * from the template, as revisions differ in spacing); Granite 3.0 writes none.
 *
 * <p>Source: ibm-granite tokenizer_config.json templates, as listed in huggingface/huggingface.js
 * packages/ollama-utils/src/chat-template-automap.ts @fe42e68 (lines 593, 622, 652, 661) and
 * johnmai-dev/Jinja Tests/Templates/ChatTemplates.swift @bb238dd (line 23, Granite 3.3).
 *
 * @param defaultSystem the default system message with its date filled in, or null (Granite 3.0)
 */
record GraniteTemplate(String defaultSystem) implements ChatTemplate {
    /** Granite 3.1-3.3's default system message around its date. */
    static final String DEFAULT_BEFORE_DATE = "Knowledge Cutoff Date: April 2024.\nToday's Date: ",
            DEFAULT_AFTER_DATE = ".\nYou are Granite, developed by IBM. You are a helpful AI assistant.";

    @Override
    public String name() {
        return defaultSystem == null ? "granite3.0" : "granite";
    }

    @Override
    public String endOfTurn() {
        return "<|end_of_text|>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        if (defaultSystem != null && (messages.isEmpty() || messages.get(0).role() != Role.SYSTEM)) {
            b.literal("<|start_of_role|>system<|end_of_role|>" + defaultSystem + "<|end_of_text|>\n");
        }
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            b.literal("<|start_of_role|>" + m.role().id() + "<|end_of_role|>").content(i, m.content(), 0)
                    .literal("<|end_of_text|>\n");
        }
        if (addGenerationPrompt && !messages.isEmpty()) {
            b.literal("<|start_of_role|>assistant<|end_of_role|>");
        }
        return b.build();
    }
}
