package greater.transformer.chat;

import greater.transformer.tokenizer.Encoding;
import greater.transformer.tokenizer.TokenSpan;
import java.util.List;

/**
 * A tokenized conversation: the ids a model is fed, and which token positions hold each
 * message's content, so that a prompt optimizer can find (and edit) the question, the prompt or
 * the answer by position.
 *
 * @param text     the rendered template text
 * @param encoding its tokens with their offsets in {@code text}
 * @param contents one span per rendered message content, in message order
 */
public record RenderedChat(String text, Encoding encoding, List<ContentSpan> contents) {

    public int[] ids() {
        return encoding.ids();
    }

    /** Where message {@code message}'s content landed. */
    public ContentSpan content(int message) {
        for (ContentSpan s : contents) {
            if (s.message() == message) {
                return s;
            }
        }
        throw new IllegalArgumentException("message " + message + " is not rendered by this template");
    }

    /** The tokens of message {@code message}'s whole content. */
    public TokenSpan tokensOf(int message) {
        return content(message).tokens();
    }

    /**
     * The tokens that chars {@code [from, to)} of message {@code message}'s own content produced
     * (a sub-range such as the instruction inside a user turn). Chars the template trimmed away
     * are clipped.
     */
    public TokenSpan tokensOf(int message, int from, int to) {
        ContentSpan s = content(message);
        int start = clamp(s.charStart() + from - s.sourceOffset(), s.charStart(), s.charEnd());
        int end = clamp(s.charStart() + to - s.sourceOffset(), start, s.charEnd());
        return encoding.tokensCovering(start, end);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
