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
    /**
     * A choice letter, gold "B" (from "(B)"); the model may write "B", "(B)" or "B)". A gold that is
     * not a single letter (BBH has three: movie_recommendation "Monsters, Inc", ruin_names "dearth,
     * wind, & fire" and "rita, sue and bob poo", options split at a comma) is compared as
     * {@link #TEXT}, as the official code compares the generated string with final_target.
     */
    MULTIPLE_CHOICE(Pattern.compile("^\\W*\\(?([A-Z])\\b")),
    YES_NO(Pattern.compile("^\\W*(yes|no)\\b", Pattern.CASE_INSENSITIVE)),
    VALID_INVALID(Pattern.compile("^\\W*(valid|invalid)\\b", Pattern.CASE_INSENSITIVE)),
    TRUE_FALSE(Pattern.compile("^\\W*(true|false)\\b", Pattern.CASE_INSENSITIVE)),
    /**
     * An integer, compared by value ("1,000" = "1000", "-3" = "-3.0"): the first number in the text,
     * with its fraction, so "12.5" is not 12. Words before it may contain hyphens ("well-known 21").
     */
    INTEGER(Pattern.compile("^\\D*?(-?\\d[\\d,]*(?:\\.\\d+)?)")),
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
        if (this == MULTIPLE_CHOICE && !isChoice(gold)) return TEXT.matches(generated, gold);
        String got = extract(generated);
        return !got.isEmpty() && got.equals(normalize(gold));
    }

    private static final Pattern CHOICE = Pattern.compile("\\(?[A-Z]\\)?");

    /** A gold choice: one capital letter, in parentheses or not. */
    private static boolean isChoice(String gold) {
        return CHOICE.matcher(gold.trim()).matches();
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
