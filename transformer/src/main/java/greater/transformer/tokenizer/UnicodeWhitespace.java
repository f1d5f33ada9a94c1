package greater.transformer.tokenizer;

/**
 * The Unicode White_Space property, which is what Rust's {@code char::is_whitespace}, Rust
 * regex's {@code \s} and Oniguruma's Unicode {@code \s} all test. Java's
 * {@link Character#isWhitespace} differs (it excludes U+00A0, U+2007, U+202F and includes
 * U+001C..U+001F), so HF parity needs this list.
 */
final class UnicodeWhitespace {
    private UnicodeWhitespace() {
    }

    static boolean is(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
                 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }
}
