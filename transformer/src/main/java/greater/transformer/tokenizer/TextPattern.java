package greater.transformer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pattern} of a Split pre-tokenizer or a Replace normalizer/decoder: either
 * {@code {"String": "..."}} (a literal) or {@code {"Regex": "..."}} (an Oniguruma regex).
 *
 * <p>{@link #matches} returns the leftmost-first, non-overlapping matches as HF's
 * {@code find_iter} does (HF compiles a literal into an escaped regex; searching the literal
 * directly gives the same matches, faster).
 */
final class TextPattern {
    private static final int[] NONE = new int[0];

    private final String literal;
    private final Pattern regex;

    private TextPattern(String literal, Pattern regex) {
        this.literal = literal;
        this.regex = regex;
    }

    static TextPattern literal(String s) {
        return new TextPattern(s, null);
    }

    static TextPattern regex(String onig) {
        return new TextPattern(null, OnigurumaRegex.compile(onig));
    }

    /** Reads {@code {"String": s}} or {@code {"Regex": r}}; {@code where} names the component for errors. */
    static TextPattern fromJson(JsonNode node, String where) {
        if (node != null && node.isObject()) {
            if (node.hasNonNull("String")) {
                return literal(node.get("String").asText());
            }
            if (node.hasNonNull("Regex")) {
                try {
                    return regex(node.get("Regex").asText());
                } catch (TokenizerException e) {
                    throw new TokenizerException(where + ": " + e.getMessage());
                }
            }
        }
        if (node != null && node.isTextual()) {
            return literal(node.asText());
        }
        throw new TokenizerException(where + ": \"pattern\" must be {\"String\": ...} or {\"Regex\": ...}");
    }

    /** Receives matches in order. */
    interface MatchSink {
        void match(int start, int end);
    }

    /** Calls {@code sink} for every match in {@code text}, without collecting them. */
    void forEachMatch(String text, MatchSink sink) {
        if (text.isEmpty()) {
            return;
        }
        if (literal != null) {
            if (literal.isEmpty()) {
                return;
            }
            int from = 0;
            int at;
            while ((at = text.indexOf(literal, from)) >= 0) {
                sink.match(at, at + literal.length());
                from = at + literal.length();
            }
        } else {
            Matcher m = regex.matcher(text);
            while (m.find()) {
                sink.match(m.start(), m.end());
            }
        }
    }

    /** Packed {@code [start0, end0, start1, end1, ...]} of all matches in {@code text}. */
    int[] matches(String text) {
        if (text.isEmpty()) {
            return NONE;
        }
        IntList out = null;
        if (literal != null) {
            if (literal.isEmpty()) {
                return NONE;
            }
            int from = 0;
            int at;
            while ((at = text.indexOf(literal, from)) >= 0) {
                if (out == null) {
                    out = new IntList(8);
                }
                out.add(at);
                out.add(at + literal.length());
                from = at + literal.length();
            }
        } else {
            Matcher m = regex.matcher(text);
            while (m.find()) {
                if (out == null) {
                    out = new IntList(16);
                }
                out.add(m.start());
                out.add(m.end());
            }
        }
        return out == null ? NONE : out.toArray();
    }
}
