package greater.transformer.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Lossy UTF-8 decoding against Python's {@code bytes.decode("utf-8", "replace")}, which follows the
 * same Unicode "maximal subpart" practice as Rust's {@code String::from_utf8_lossy} (the expected
 * strings were printed by Python 3.11).
 */
class Utf8Test {
    private static void check(String hex, String expected) {
        assertEquals(expected, Utf8.decodeLossy(HexFormat.of().parseHex(hex)), hex);
    }

    @Test
    void encodedSurrogateIsThreeReplacementCharacters() {
        check("eda090", "\uFFFD\uFFFD\uFFFD");
    }

    @Test
    void everyInvalidFormAsPythonAndRustDecodeIt() {
        check("e08080", "\uFFFD\uFFFD\uFFFD");        // overlong 3-byte
        check("f0808080", "\uFFFD\uFFFD\uFFFD\uFFFD"); // overlong 4-byte
        check("f4908080", "\uFFFD\uFFFD\uFFFD\uFFFD"); // past U+10FFFF
        check("c0af", "\uFFFD\uFFFD");                 // C0 is never used
        check("e282", "\uFFFD");                       // truncated: one maximal subpart
        check("e28261", "\uFFFDa");
        check("f09f98", "\uFFFD");
        check("8080", "\uFFFD\uFFFD");                 // lone continuation bytes
        check("ff", "\uFFFD");
        check("61f562", "a\uFFFDb");
        check("ed9fbf", "\uD7FF");                     // the last code point before the surrogates
        check("f09f9880", "\uD83D\uDE00");             // 😀
        check("efbfbd", "\uFFFD");                     // a real U+FFFD
        check("", "");
    }

    @Test
    void validUtf8DecodesAsJavaDoes() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = random.nextInt(8); k > 0; k--) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0x800 + random.nextInt(0xD000);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s, Utf8.decodeLossy(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }
}
