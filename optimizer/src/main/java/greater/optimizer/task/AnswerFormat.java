package greater.optimizer.task;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a task's answers look and how a generated answer is read and compared with the gold one.
 * The text the model writes right after the extractor is {@link #extract}ed (a letter, a word, an
 * integer) and compared with the gold answer after the same normalization.
 */
public enum AnswerFormat {
    /** A choice letter, gold "B" (from "(B)"); the model may write "B", "(B)" or "B)". */
    MULTIPLE_CHOICE(Pattern.compile("^\\W*\\(?([A-Z])\\b")),
    YES_NO(Pattern.compile("^\\W*(yes|no)\\b", Pattern.CASE_INSENSITIVE)),
    VALID_INVALID(Pattern.compile("^\\W*(valid|invalid)\\b", Pattern.CASE_INSENSITIVE)),
    TRUE_FALSE(Pattern.compile("^\\W*(true|false)\\b", Pattern.CASE_INSENSITIVE)),
    /** An integer, compared by value ("1,000" = "1000", "-3" = "-3.0"). */
    INTEGER(Pattern.compile("^[^\\d-]*(-?[\\d,]*\\d(?:\\.0+)?)")),
    /** Free text up to the closing "$" or end of line, compared after trimming (dyck, word sorting). */
    TEXT(Pattern.compile("^\\s*([^$\\n]*)"));

    private final Pattern pattern;

    AnswerFormat(Pattern pattern) {
        this.pattern = pattern;
    }

    /** The answer the model gave in {@code generated} (what follows the extractor), or "" if none. */
    public String extract(String generated) {
        Matcher m = pattern.matcher(generated);
        return m.find() ? normalize(m.group(1)) : "";
    }

    /** True when {@code generated} answers {@code gold}. */
    public boolean matches(String generated, String gold) {
        String got = extract(generated);
        return !got.isEmpty() && got.equals(normalize(gold));
    }

    String normalize(String s) {
        String t = s.trim();
        return switch (this) {
            case MULTIPLE_CHOICE -> t.replaceAll("[()]", "").toUpperCase(Locale.ROOT);
            case YES_NO, VALID_INVALID, TRUE_FALSE -> t.toLowerCase(Locale.ROOT);
            case INTEGER -> {
                String digits = t.replace(",", "").replaceAll("\\.0+$", "");
                try {
                    yield new java.math.BigInteger(digits).toString();
                } catch (NumberFormatException e) {
                    yield digits;
                }
            }
            case TEXT -> t.replaceAll("\\s+", " ");
        };
    }
}
