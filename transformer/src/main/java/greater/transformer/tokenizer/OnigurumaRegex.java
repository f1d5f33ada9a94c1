package greater.transformer.tokenizer;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the Oniguruma regexes that tokenizer.json files carry (HF tokenizers runs them with
 * the onig crate, UTF-8, Ruby syntax) into {@link java.util.regex.Pattern}s that match the same
 * text.
 *
 * <p>The differences that matter for the patterns real tokenizers ship (GPT-2, Llama-3, Qwen2/3):
 * <ul>
 *   <li>{@code \s}/{@code \S} are Unicode White_Space in Oniguruma, ASCII-only in Java: rewritten
 *       to {@code \p{IsWhite_Space}}/{@code \P{IsWhite_Space}}.</li>
 *   <li>{@code \d}, {@code \w} (and negations) are Unicode in Oniguruma: rewritten to
 *       {@code \p{Nd}} and {@code [\p{Alpha}\p{M}\p{Nd}\p{Pc}]}-style classes.</li>
 *   <li>{@code (?i)} folds Unicode case in Oniguruma (so {@code 'ſ} matches {@code 's}): the
 *       pattern is compiled with {@link Pattern#UNICODE_CASE}.</li>
 *   <li>{@code \h} is a hex digit in Oniguruma, horizontal space in Java.</li>
 *   <li>Script names ({@code \p{Han}}) need Java's {@code Is} prefix.</li>
 * </ul>
 * Everything else (Unicode categories, lookahead, alternation order, leftmost-first backtracking)
 * already behaves the same.
 */
final class OnigurumaRegex {
    private static final String WORD = "\\p{Alpha}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}";

    private OnigurumaRegex() {
    }

    static Pattern compile(String onig) {
        String java = translate(onig);
        try {
            return Pattern.compile(java, Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new TokenizerException("cannot compile regex " + quote(onig) + ": "
                    + e.getDescription());
        }
    }

    static String translate(String p) {
        StringBuilder out = new StringBuilder(p.length() + 32);
        int classDepth = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                char n = p.charAt(++i);
                boolean inClass = classDepth > 0;
                switch (n) {
                    case 's' -> out.append("\\p{IsWhite_Space}");
                    case 'S' -> out.append("\\P{IsWhite_Space}");
                    case 'd' -> out.append("\\p{Nd}");
                    case 'D' -> out.append("\\P{Nd}");
                    case 'h' -> out.append(inClass ? "0-9a-fA-F" : "[0-9a-fA-F]");
                    case 'H' -> out.append(inClass ? "\\x{0}-/:-@G-`g-\\x{10FFFF}" : "[^0-9a-fA-F]");
                    case 'w' -> out.append(inClass ? WORD : "[" + WORD + "]");
                    case 'W' -> {
                        if (inClass) {
                            throw new TokenizerException("unsupported regex construct \\W inside a "
                                    + "character class in " + quote(p));
                        }
                        out.append("[^").append(WORD).append(']');
                    }
                    case 'p', 'P' -> {
                        int close = p.indexOf('}', i);
                        if (i + 1 < p.length() && p.charAt(i + 1) == '{' && close > 0) {
                            String name = p.substring(i + 2, close);
                            out.append('\\').append(n).append('{').append(javaProperty(name)).append('}');
                            i = close;
                        } else {
                            out.append('\\').append(n);
                        }
                    }
                    default -> out.append('\\').append(n);
                }
            } else {
                if (c == '[') {
                    classDepth++;
                } else if (c == ']' && classDepth > 0) {
                    classDepth--;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** General categories pass through; script and binary-property names get Java's "Is" prefix. */
    private static String javaProperty(String name) {
        if (name.startsWith("^")) {
            throw new TokenizerException("unsupported regex construct \\p{^" + name.substring(1) + "}");
        }
        if (name.length() <= 2 && Character.isUpperCase(name.charAt(0))) {
            return name;
        }
        if (name.startsWith("Is") || name.startsWith("In") || name.contains("=")) {
            return name;
        }
        return "Is" + name;
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }
}
