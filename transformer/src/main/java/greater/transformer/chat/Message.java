package greater.transformer.chat;

import java.util.Objects;

/** One chat message, as transformers' {@code {"role": ..., "content": ...}}. */
public record Message(Role role, String content) {
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A system prompt (templates that have no system turn fold it into the first user turn or refuse it). */
    public static Message system(String content) {
        return new Message(Role.SYSTEM, content);
    }

    /** A user turn. */
    public static Message user(String content) {
        return new Message(Role.USER, content);
    }

    /** An assistant turn (a reply, or with {@link ChatTemplate#continueFinalMessage} one to continue). */
    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content);
    }
}
