package greater.transformer.chat;

import java.util.List;

/**
 * HuggingFaceTB SmolLM3 chat format: ChatML turns after a system turn that is always written,
 * <pre>
 * '&lt;|im_start|&gt;system\n## Metadata\n\nKnowledge Cutoff Date: June 2025\nToday Date: ' + date
 *     + '\nReasoning Mode: ' + mode + '\n\n## Custom Instructions\n\n' + instructions + '\n\n'
 * </pre>
 * where {@code mode} is {@code /think} unless {@code enable_thinking=False} or the system message
 * contains {@code /no_think} (a {@code /think} in it turns thinking back on), {@code instructions} is
 * the system message without those flags (right-stripped), else the template's default for the
 * mode. As published, that system turn has no {@code <|im_end|>} when no tools are given. A system
 * message containing {@code /system_override} replaces the whole header:
 * {@code instructions + '<|im_end|>\n'}. In no-think mode every assistant turn and the generation
 * prompt start with an empty {@code <think>\n\n</think>\n}; assistant content is left-stripped of
 * newlines; system messages are not rendered as turns.
 *
 * <p>Source: HuggingFaceTB/SmolLM3-3B tokenizer_config.json, as quoted in huggingface/swift-jinja
 * Tests/JinjaTests/IntegrationTests.swift @e095395 (lines 1869-1961).
 *
 * @param date     the {@code strftime_now("%d %B %Y")} the template writes, e.g. "04 July 2025"
 * @param thinking transformers' {@code enable_thinking} (the template's default is true)
 */
record SmolLm3Template(String date, boolean thinking) implements ChatTemplate {
    static final String THINK_INSTRUCTIONS = "You are a helpful AI assistant named SmolLM, trained by Hugging Face. "
            + "Your role as an assistant involves thoroughly exploring questions through a systematic thinking process "
            + "before providing the final precise and accurate solutions. This requires engaging in a comprehensive "
            + "cycle of analysis, summarizing, exploration, reassessment, reflection, backtracking, and iteration to "
            + "develop well-considered thinking process. Please structure your response into two main sections: "
            + "Thought and Solution using the specified format: <think> Thought section </think> Solution section. "
            + "In the Thought section, detail your reasoning process in steps. Each step should include detailed "
            + "considerations such as analysing questions, summarizing relevant findings, brainstorming new ideas, "
            + "verifying the accuracy of the current steps, refining any errors, and revisiting previous steps. In "
            + "the Solution section, based on various attempts, explorations, and reflections from the Thought "
            + "section, systematically present the final solution that you deem correct. The Solution section "
            + "should be logical, accurate, and concise and detail necessary steps needed to reach the conclusion.";
    static final String NO_THINK_INSTRUCTIONS = "You are a helpful AI assistant named SmolLM, trained by Hugging Face.";
    private static final String EMPTY_THINK = "<think>\n\n</think>\n";

    @Override
    public String name() {
        return thinking ? "smollm3" : "smollm3-nothink";
    }

    @Override
    public String endOfTurn() {
        return "<|im_end|>";
    }

    @Override
    public ChatTemplate withoutThinking() {
        return new SmolLm3Template(date, false);
    }

    @Override
    public ChatText render(List<Message> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        ChatText.Builder b = new ChatText.Builder();
        b.literal("<|im_start|>system\n");
        boolean think = thinking;
        String system = !messages.isEmpty() && messages.get(0).role() == Role.SYSTEM ? messages.get(0).content() : null;
        String instructions = "";
        if (system != null) {
            if (system.contains("/no_think")) {
                think = false;
            } else if (system.contains("/think")) {
                think = true;
            }
            String flagless = system.replace("/no_think", "").replace("/think", "");
            instructions = flagless.substring(0, flagless.length() - PythonStrings.trailingSpace(flagless, 0));
        }
        if (system != null && system.contains("/system_override")) {
            String own = instructions.replace("/system_override", "");
            systemContent(b, system, own.substring(0, own.length() - PythonStrings.trailingSpace(own, 0)));
            b.literal("<|im_end|>\n");
        } else {
            b.literal("## Metadata\n\nKnowledge Cutoff Date: June 2025\nToday Date: " + date + "\nReasoning Mode: "
                    + (think ? "/think" : "/no_think") + "\n\n## Custom Instructions\n\n");
            if (!instructions.isEmpty()) {
                systemContent(b, system, instructions);
                b.literal("\n\n");
            } else {
                b.literal((think ? THINK_INSTRUCTIONS : NO_THINK_INSTRUCTIONS) + "\n\n");
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role() == Role.USER) {
                b.literal("<|im_start|>user\n").content(i, m.content(), 0).literal("<|im_end|>\n");
            } else if (m.role() == Role.ASSISTANT) {
                String answer = PythonStrings.lstrip(m.content(), '\n');
                b.literal("<|im_start|>assistant\n" + (think ? "" : EMPTY_THINK));
                b.content(i, answer, m.content().length() - answer.length()).literal("<|im_end|>\n");
            }
        }
        if (addGenerationPrompt) {
            b.literal("<|im_start|>assistant\n" + (think ? "" : EMPTY_THINK));
        }
        return b.build();
    }

    /** The system message's rendered instructions: a content span when they are its own prefix, else template text. */
    private static void systemContent(ChatText.Builder b, String system, String rendered) {
        if (system.startsWith(rendered)) {
            b.content(0, rendered, 0);
        } else {
            b.literal(rendered);
        }
    }
}
