package greater.transformer.chat;

/**
 * The Python string operations chat templates apply to message content: Jinja's {@code trim}
 * filter and {@code str.strip()} remove Python whitespace ({@code str.isspace}: Unicode White_Space
 * plus U+001C..U+001F), which differs from Java's {@code String.strip()}; {@code strip('\n')}
 * and friends remove only the given char.
 */
final class PythonStrings {
    private PythonStrings() {
    }

    static boolean isSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Number of leading chars {@code str.lstrip()} removes. */
    static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        return i;
    }

    /** Number of trailing chars {@code str.rstrip()} removes (never past {@code floor}). */
    static int trailingSpace(String s, int floor) {
        int j = s.length();
        while (j > floor && isSpace(s.codePointBefore(j))) {
            j -= Character.charCount(s.codePointBefore(j));
        }
        return s.length() - j;
    }

    /** Python {@code s.strip()}. */
    static String strip(String s) {
        int lead = leadingSpace(s);
        return s.substring(lead, s.length() - trailingSpace(s, lead));
    }

    static String lstrip(String s, char c) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == c) {
            i++;
        }
        return s.substring(i);
    }

    static String rstrip(String s, char c) {
        int j = s.length();
        while (j > 0 && s.charAt(j - 1) == c) {
            j--;
        }
        return s.substring(0, j);
    }

    static String strip(String s, char c) {
        return lstrip(rstrip(s, c), c);
    }
}
