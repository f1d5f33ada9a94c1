package greater.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Normalizers, pre-tokenizers and decoders one at a time, against what HF tokenizers' Python
 * components return for the same input ({@code pre_tokenize_str}, {@code normalize_str},
 * {@code decode}). Pieces are written {@code text@start-end} with original offsets.
 */
class TokenizerComponentsTest {

    static List<String> pieces(PreTokenizer p, String text) {
        List<NormalizedText> out = new ArrayList<>();
        p.split(NormalizedText.of(text, 0, text.length()), out);
        List<String> shown = new ArrayList<>();
        for (NormalizedText n : out) {
            shown.add(n.text() + "@" + n.start(0) + "-" + n.end(n.text().length() - 1));
        }
        return shown;
    }

    @Test
    void splitBehaviors() {
        TextPattern dash = TextPattern.literal("-");
        String s = "the-final--countdown";
        assertEquals(List.of("the@0-3", "final@4-9", "countdown@11-20"),
                pieces(new SplitPreTokenizer(dash, SplitBehavior.REMOVED, false), s));
        assertEquals(List.of("the@0-3", "-@3-4", "final@4-9", "-@9-10", "-@10-11", "countdown@11-20"),
                pieces(new SplitPreTokenizer(dash, SplitBehavior.ISOLATED, false), s));
        assertEquals(List.of("the-@0-4", "final-@4-10", "-@10-11", "countdown@11-20"),
                pieces(new SplitPreTokenizer(dash, SplitBehavior.MERGED_WITH_PREVIOUS, false), s));
        assertEquals(List.of("the@0-3", "-final@3-9", "-@9-10", "-countdown@10-20"),
                pieces(new SplitPreTokenizer(dash, SplitBehavior.MERGED_WITH_NEXT, false), s));
        assertEquals(List.of("the@0-3", "-@3-4", "final@4-9", "--@9-11", "countdown@11-20"),
                pieces(new SplitPreTokenizer(dash, SplitBehavior.CONTIGUOUS, false), s));
        assertEquals(List.of("a@0-1", "b@2-3", "c@5-6"),
                pieces(new SplitPreTokenizer(TextPattern.regex("\\w+"), SplitBehavior.REMOVED, true), "a b  c!"));
    }

    @Test
    void llama3RegexWithUnicodeClassesAndCaseInsensitiveContractions() {
        String llama3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        PreTokenizer split = new SplitPreTokenizer(TextPattern.regex(llama3), SplitBehavior.ISOLATED, false);
        assertEquals(List.of("I@0-1", "'M@1-3", " ſ@3-5", "'S@5-7", " @7-8", " @8-9", "123@9-12", "45@12-14",
                " x@14-16", "\u00a0y@16-18", "\n\n@18-20", " @20-21", " ok@21-24"),
                pieces(split, "I'M ſ'S  12345 x\u00a0y\n\n  ok"));
    }

    @Test
    void metaspace() {
        assertEquals(List.of("▁Hey@0-3", "▁@3-4", "▁friend!@4-12"), pieces(new MetaspacePreTokenizer("▁",
                MetaspacePreTokenizer.PrependScheme.ALWAYS, true), "Hey  friend!"));
        assertEquals(List.of("▁Hey▁friend@0-10"), pieces(new MetaspacePreTokenizer("▁",
                MetaspacePreTokenizer.PrependScheme.FIRST, false), "Hey friend"));
        // "first" prepends only to the piece that starts the input
        List<NormalizedText> out = new ArrayList<>();
        new MetaspacePreTokenizer("▁", MetaspacePreTokenizer.PrependScheme.FIRST, false)
                .split(NormalizedText.of("xy", 1, 2), out);
        assertEquals("y", out.get(0).text());
    }

    @Test
    void digitsWhitespaceAndByteLevel() {
        assertEquals(List.of("abc@0-3", "1@3-4", "2@4-5", "3@5-6", "d@6-7", "4@7-8"),
                pieces(new DigitsPreTokenizer(true), "abc123d4"));
        assertEquals(List.of("abc@0-3", "123@3-6", "d@6-7", "4@7-8"), pieces(new DigitsPreTokenizer(false), "abc123d4"));
        ComponentReader r = new ComponentReader("test");
        assertEquals(List.of("Hey@0-3", ",@3-4", "you@5-8", "-@8-9", "there@9-14", "x@16-17"),
                pieces(r.preTokenizer(json("{\"type\":\"Whitespace\"}")), "Hey, you-there  x"));
        assertEquals(List.of("Hey,@0-4", "you-there@5-14", "x@16-17"),
                pieces(r.preTokenizer(json("{\"type\":\"WhitespaceSplit\"}")), "Hey, you-there  x"));
        assertEquals(List.of("ĠHi@0-2", "Ġ@2-3", "Ġthere@3-9"), pieces(new ByteLevelPreTokenizer(true, true), "Hi  there"));
    }

    @Test
    void normalizersKeepOffsets() {
        NormalizedText n = new UnicodeNormalizer(Form.NFKC).normalize(NormalizedText.of("ﬁ①", 0, 2));
        assertEquals("fi1", n.text());
        assertEquals(List.of(0, 0, 1), List.of(n.start(0), n.start(1), n.start(2)));
        NormalizedText c = new UnicodeNormalizer(Form.NFC).normalize(NormalizedText.of("e\u0301x", 0, 3));
        assertEquals("\u00e9x", c.text());
        assertEquals(0, c.start(0));
        assertEquals(1, c.end(0));   // HF aligns a composed char to its first source char
        assertEquals(2, c.start(1));
        Normalizer seq = new SequenceNormalizer(List.of(new LowercaseNormalizer(), new StripNormalizer(true, true)));
        assertEquals("hello i\u0307", seq.normalize(NormalizedText.of("  HeLLo \u0130  ", 0, 11)).text());
        NormalizedText p = new PrependNormalizer("▁").normalize(NormalizedText.of("ab", 0, 2));
        assertEquals("▁ab", p.text());
        assertEquals(0, p.start(0));
        assertEquals(1, p.end(0));
    }

    @Test
    void decoders() {
        assertEquals(" a ", new StripDecoder(' ', 2, 1).decode(List.of("   a  ")));
        assertEquals("Hey friend", new MetaspaceDecoder('▁', true).decode(List.of("▁Hey", "▁friend")));
        assertEquals("\uFFFD\uFFFD\uFFFDb", new ByteFallbackDecoder().decode(List.of("<0x61>", "<0xE2>", "<0x82>", "b")));
        assertEquals("€", new ByteFallbackDecoder().decode(List.of("<0xE2>", "<0x82>", "<0xAC>")));
        assertEquals("héllo <|x|>", new ByteLevelDecoder().decode(List.of("hÃ©", "llo", "Ġ<|x|>")));
        assertEquals("a b", new ReplaceDecoder(TextPattern.literal("▁"), " ").decode(List.of("a▁b")));
    }

    static com.fasterxml.jackson.databind.JsonNode json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
