package greater.transformer.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * A conversation rendered as text, with where each message's content landed in it.
 *
 * @param text   what the template produced, special-token literals included
 * @param pieces one piece per rendered message content, in order
 */
public record ChatText(String text, List<Piece> pieces) {

    /**
     * Message {@code message}'s content occupies {@code text[charStart, charEnd)}; the first of
     * those chars is char {@code sourceOffset} of the message's own content (templates that trim
     * drop leading whitespace).
     */
    public record Piece(int message, int charStart, int charEnd, int sourceOffset) {
    }

    /** Builds a ChatText from template literals and message contents. */
    static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private final List<Piece> pieces = new ArrayList<>();

        /** Template text (headers, special-token literals). */
        Builder literal(String s) {
            text.append(s);
            return this;
        }

        /** Content of message {@code message}, starting at char {@code sourceOffset} of that content. */
        Builder content(int message, String s, int sourceOffset) {
            pieces.add(new Piece(message, text.length(), text.length() + s.length(), sourceOffset));
            text.append(s);
            return this;
        }

        /** Content as Jinja's {@code | trim} renders it. */
        Builder trimmedContent(int message, String s) {
            int lead = PythonStrings.leadingSpace(s);
            int trail = PythonStrings.trailingSpace(s, lead);
            return content(message, s.substring(lead, s.length() - trail), lead);
        }

        /**
         * A run of literals and contents that the template strips as a whole (Llama-2's
         * {@code content.strip()} over {@code <<SYS>>...<</SYS>>} plus the user text).
         * {@code parts} alternate: a String is a literal, a {@code Part} is content.
         */
        Builder stripped(List<Object> parts) {
            StringBuilder all = new StringBuilder();
            for (Object p : parts) {
                all.append(p instanceof Part c ? c.text : (String) p);
            }
            String joined = all.toString();
            int from = PythonStrings.leadingSpace(joined);
            int to = joined.length() - PythonStrings.trailingSpace(joined, from);
            int at = 0;
            for (Object p : parts) {
                String s = p instanceof Part c ? c.text : (String) p;
                int a = Math.max(at, from);
                int b = Math.min(at + s.length(), to);
                String kept = b > a ? s.substring(a - at, b - at) : "";
                if (p instanceof Part c) {
                    content(c.message, kept, b > a ? a - at : Math.min(Math.max(from - at, 0), s.length()));
                } else {
                    literal(kept);
                }
                at += s.length();
            }
            return this;
        }

        ChatText build() {
            return new ChatText(text.toString(), List.copyOf(pieces));
        }
    }

    /** Message content inside {@link Builder#stripped}. */
    record Part(int message, String text) {
    }
}
