package greater.transformer.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding with the two behaviours HF's decoders need: strict (or fail) and lossy. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Rust's {@code String::from_utf8_lossy} (and Python's {@code errors="replace"}): each maximal
     * subpart of an ill-formed sequence becomes one U+FFFD, the "best practice" of the Unicode
     * Standard, section 3.9 (Table 3-7 gives the well-formed byte ranges used below). So the bytes
     * ED A0 90 (an encoded surrogate) are three U+FFFD: ED cannot be followed by A0. Java's own
     * decoder replaces that sequence with a single U+FFFD, hence this loop.
     */
    static String decodeLossy(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0, n = bytes.length;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int trailing, codePoint, lo = 0x80, hi = 0xBF;   // lo..hi: the allowed range of the next byte
            if (b >= 0xC2 && b <= 0xDF) {
                trailing = 1;
                codePoint = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                trailing = 2;
                codePoint = b & 0x0F;
                if (b == 0xE0) lo = 0xA0;        // no overlong forms
                else if (b == 0xED) hi = 0x9F;   // no surrogates
            } else if (b >= 0xF0 && b <= 0xF4) {
                trailing = 3;
                codePoint = b & 0x07;
                if (b == 0xF0) lo = 0x90;        // no overlong forms
                else if (b == 0xF4) hi = 0x8F;   // nothing past U+10FFFF
            } else {
                out.append('\uFFFD');           // a continuation byte or a byte never used in UTF-8
                i++;
                continue;
            }
            int j = i + 1;
            boolean complete = true;
            for (int k = 0; k < trailing; k++, j++) {
                int c = j < n ? bytes[j] & 0xFF : -1;
                if (c < lo || c > hi) {
                    complete = false;
                    break;
                }
                codePoint = codePoint << 6 | c & 0x3F;
                lo = 0x80;
                hi = 0xBF;
            }
            if (complete) out.appendCodePoint(codePoint);
            else out.append('\uFFFD');             // bytes i..j-1: the maximal subpart
            i = j;
        }
        return out.toString();
    }

    /** Rust's {@code String::from_utf8}: the text, or null when the bytes are not valid UTF-8. */
    static String decodeStrict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
