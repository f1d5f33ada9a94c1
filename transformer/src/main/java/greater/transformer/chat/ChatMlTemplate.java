package greater.transformer.chat;

import java.util.List;

/**
 * ChatML, the format of Qwen2/2.5/3 and SmolLM:
 * {@code ('<|im_start|>' + role + '\n' + content + '<|im_end|>\n')* } and
 * {@code '<|im_start|>assistant\n'} as the generation prompt. Content is not trimmed.
 *
 * <p>Variants, as the shipped templates differ:
 * <ul>
 *   <li>{@code defaultSystem}: a system turn rendered when the conversation has none (Qwen2.5:
 *       "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."; SmolLM2 its own);
 *       Qwen3 has none.</li>
 *   <li>{@code qwen3Thinking}: Qwen3's assistant turns. Text up to {@code </think>} is reasoning
 *       and is dropped from turns before the last user query; an assistant turn after it is written
 *       {@code '<think>\n' + reasoning + '\n</think>\n\n' + answer} when it is the last message or
 *       has reasoning.</li>
 *   <li>{@code thinkingDisabled}: Qwen3 with {@code enable_thinking=False} ({@code qwen3-nothink}):
 *       the generation prompt is followed by an empty {@code '<think>\n\n</think>\n\n'}, so the
 *       model answers without reasoning first; the turns are rendered as with thinking.</li>
 * </ul>
 */
record ChatMlTemplate(String name, String defaultSystem, boolean qwen3Thinking, boolean thinkingDisabled)
        implements ChatTemplate {
    static final String QWEN25_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    ChatMlTemplate(String name, String defaultSystem, boolean qwen3Thinking) {
        this(name, defaultSystem, qwen3Thinking, false);
    }

    /** {@code qwen3} becomes {@code qwen3-nothink}; ChatML without think blocks has no such switch. */
    @Override
    public ChatTemplate withoutThinking() {
        if (!qwen3Thinking) {
            return ChatTemplate.super.withoutThinking();
        }
        return new ChatMlTemplate("qwen3-nothink", defaultSystem, true, true);
    }

    @Override
    public String endOfTurn() {
        return "<|im_end|>";
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        boolean firstIsSystem = !messages.isEmpty() && messages.get(0).role() == Role.SYSTEM;
        if (!firstIsSystem && defaultSystem != null) {
            b.literal("<|im_start|>system\n" + defaultSystem + "<|im_end|>\n");
        }
        int lastQuery = messages.size() - 1;
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role() == Role.USER && !(m.content().startsWith("<tool_response>")
                    && m.content().endsWith("</tool_response>"))) {
                lastQuery = i;
                break;
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (qwen3Thinking && m.role() == Role.ASSISTANT) {
                renderQwen3Assistant(b, messages, i, lastQuery);
                continue;
            }
            b.literal("<|im_start|>" + m.role().id() + "\n");
            b.content(i, m.content(), 0);
            b.literal("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            b.literal(thinkingDisabled ? "<|im_start|>assistant\n<think>\n\n</think>\n\n" : "<|im_start|>assistant\n");
        }
        return b.build();
    }

    /** Qwen3's assistant branch (tool calls aside). */
    private static void renderQwen3Assistant(ChatText.Builder b, List<Message> messages, int i, int lastQuery) {
        String original = messages.get(i).content();
        String content = original;
        String reasoning = "";
        int end = original.indexOf("</think>");
        if (end >= 0) {
            // content.split('</think>')[-1].lstrip('\n')
            content = PythonStrings.lstrip(original.substring(original.lastIndexOf("</think>") + "</think>".length()), '\n');
            // content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
            String before = PythonStrings.rstrip(original.substring(0, end), '\n');
            int open = before.lastIndexOf("<think>");
            reasoning = PythonStrings.lstrip(open >= 0 ? before.substring(open + "<think>".length()) : before, '\n');
        }
        boolean last = i == messages.size() - 1;
        if (i > lastQuery && (last || !reasoning.isEmpty())) {
            String answer = PythonStrings.lstrip(content, '\n');
            b.literal("<|im_start|>assistant\n<think>\n" + PythonStrings.strip(reasoning, '\n') + "\n</think>\n\n");
            b.content(i, answer, original.length() - answer.length());
        } else {
            b.literal("<|im_start|>assistant\n");
            b.content(i, content, original.length() - content.length());
        }
        b.literal("<|im_end|>\n");
    }
}
