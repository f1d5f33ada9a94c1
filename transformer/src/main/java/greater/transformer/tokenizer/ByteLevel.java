package greater.transformer.tokenizer;

/**
 * GPT-2's reversible byte-to-char table (HF {@code bytes_char}): printable Latin-1 bytes
 * ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves, the 68 others to U+0100 upward in
 * byte order (space becomes {@code Ġ} U+0120, newline {@code Ċ} U+010A). Byte-level vocabularies
 * (GPT-2, Llama-3, Qwen, SmolLM) are written in these chars, and so is the vocabulary greater's
 * own BPE trainer writes ({@code greater.transformer.train.ByteLevelBpe}).
 */
public final class ByteLevel {
    /** Char for each byte value. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Byte for each char below U+0144, or -1. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];
    /** The one-char strings of {@link #BYTE_TO_CHAR}, to avoid allocating while mapping. */
    private static final String[] BYTE_STRINGS = new String[256];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
            BYTE_STRINGS[b] = String.valueOf(c);
        }
    }

    private ByteLevel() {
    }

    /** The char that stands for byte value {@code unsignedByte} (0..255). */
    public static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte a byte-level char stands for, or -1 if {@code c} is not one of the 256 chars. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The byte-level spelling of {@code text}'s UTF-8 bytes, one char per byte. */
    public static String spell(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> out.append(encodeCodePoint(cp)));
        return out.toString();
    }

    /** The byte-level spelling of one code point's UTF-8 bytes. */
    static String encodeCodePoint(int cp) {
        if (cp < 0x80) {
            return BYTE_STRINGS[cp];
        }
        char[] out;
        if (cp < 0x800) {
            out = new char[] {BYTE_TO_CHAR[0xC0 | (cp >> 6)], BYTE_TO_CHAR[0x80 | (cp & 0x3F)]};
        } else if (cp < 0x10000) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD; // a lone surrogate has no UTF-8 form; Java's encoder also writes U+FFFD... as '?'
            }
            out = new char[] {BYTE_TO_CHAR[0xE0 | (cp >> 12)], BYTE_TO_CHAR[0x80 | ((cp >> 6) & 0x3F)],
                    BYTE_TO_CHAR[0x80 | (cp & 0x3F)]};
        } else {
            out = new char[] {BYTE_TO_CHAR[0xF0 | (cp >> 18)], BYTE_TO_CHAR[0x80 | ((cp >> 12) & 0x3F)],
                    BYTE_TO_CHAR[0x80 | ((cp >> 6) & 0x3F)], BYTE_TO_CHAR[0x80 | (cp & 0x3F)]};
        }
        return new String(out);
    }
}
