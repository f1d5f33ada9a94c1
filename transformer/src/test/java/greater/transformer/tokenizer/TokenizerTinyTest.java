package greater.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The core on tokenizers built in the test ({@link TinyTokenizers}), no ../shared needed:
 * byte-level BPE with merges in both file formats, SentencePiece-style BPE with byte fallback and
 * with fused unknowns, added tokens (special literals, lstrip/rstrip, single_word, special tokens
 * as plain text), offsets and decoding. Expected values are HF tokenizers 0.23's output on the
 * same files.
 */
class TokenizerTinyTest {
    /** One encoded text: ids (with BOS), offsets as start/end pairs, and HF's decode of the ids. */
    record Case(String text, int[] ids, int[] offsets, String decoded) {
    }

    static final Case[] BYTE_LEVEL = {
        new Case("hello world", new int[] {268, 259, 264}, new int[] {0, 0, 0, 5, 5, 11}, "<s>hello world"),
        new Case("hello  the world!", new int[] {268, 259, 32, 267, 264, 33}, new int[] {0, 0, 0, 5, 5, 6, 6, 10, 10, 16, 16, 17}, "<s>hello  the world!"),
        new Case("h\u00e9llo w\u00f6rld \ud83d\udc4d", new int[] {268, 104, 195, 169, 257, 111, 260, 195, 182, 114, 108, 100, 32, 240, 159, 145, 141}, new int[] {0, 0, 0, 1, 1, 2, 1, 2, 2, 4, 4, 5, 5, 7, 7, 8, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 14, 12, 14, 12, 14, 12, 14}, "<s>h\u00e9llo w\u00f6rld \ud83d\udc4d"),
        new Case("a<s>b</s>", new int[] {268, 97, 268, 98, 269}, new int[] {0, 0, 0, 1, 1, 4, 4, 5, 5, 9}, "<s>a<s>b</s>"),
        new Case("x <sep>  y", new int[] {268, 120, 270, 121}, new int[] {0, 0, 0, 1, 1, 9, 9, 10}, "<s>x<sep>y"),
        new Case("a [mask] b", new int[] {268, 97, 32, 271, 32, 98}, new int[] {0, 0, 0, 1, 1, 2, 2, 8, 8, 9, 9, 10}, "<s>a [mask] b"),
        new Case("a[mask]b", new int[] {268, 97, 91, 109, 97, 115, 107, 93, 98}, new int[] {0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8}, "<s>a[mask]b"),
        new Case("[mask]", new int[] {268, 271}, new int[] {0, 0, 0, 6}, "<s>[mask]"),
        new Case("", new int[] {268}, new int[] {0, 0}, "<s>"),
        new Case(" ", new int[] {268, 32}, new int[] {0, 0, 0, 1}, "<s> "),
        new Case("hello hello\n\nworld", new int[] {268, 259, 32, 259, 10, 10, 119, 261, 108, 100}, new int[] {0, 0, 0, 5, 5, 6, 6, 11, 11, 12, 12, 13, 13, 14, 14, 16, 16, 17, 17, 18}, "<s>hello hello\n\nworld"),
        new Case("lo", new int[] {268, 265}, new int[] {0, 0, 0, 2}, "<s>lo"),
    };
    static final Case[] SENTENCEPIECE = {
        new Case("hello world", new int[] {1, 272, 277}, new int[] {0, 0, 0, 5, 5, 11}, "<s> hello world"),
        new Case("hello  the world!", new int[] {1, 272, 278, 119, 260, 261, 277, 267}, new int[] {0, 0, 0, 5, 5, 7, 7, 8, 8, 9, 9, 10, 10, 16, 16, 17}, "<s> hello  the world!"),
        new Case("h\u00e9llo w\u00f6rld \ud83d\udc4d", new int[] {1, 268, 198, 172, 269, 263, 273, 198, 185, 265, 262, 266, 259, 243, 162, 148, 144}, new int[] {0, 0, 0, 1, 1, 2, 1, 2, 2, 4, 4, 5, 5, 7, 7, 8, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 14, 12, 14, 12, 14, 12, 14}, "<s> h\u00e9llo w\u00f6rld \ud83d\udc4d"),
        new Case("a<s>b</s>", new int[] {1, 259, 100, 1, 259, 101, 2}, new int[] {0, 0, 0, 1, 0, 1, 1, 4, 4, 5, 4, 5, 5, 9}, "<s> a<s> b</s>"),
        new Case("x <sep>  y", new int[] {1, 259, 123, 259, 63, 118, 261, 115, 65, 278, 124}, new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 9, 9, 10}, "<s> x <sep>  y"),
        new Case("a [mask] b", new int[] {1, 259, 100, 259, 94, 112, 100, 118, 110, 96, 259, 101}, new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10}, "<s> a [mask] b"),
        new Case("a[mask]b", new int[] {1, 259, 100, 94, 112, 100, 118, 110, 96, 101}, new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8}, "<s> a[mask]b"),
        new Case("[mask]", new int[] {1, 259, 94, 112, 100, 118, 110, 96}, new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, "<s> [mask]"),
        new Case("", new int[] {1}, new int[] {0, 0}, "<s>"),
        new Case(" ", new int[] {1, 278}, new int[] {0, 0, 0, 1}, "<s>  "),
        new Case("hello hello\n\nworld", new int[] {1, 272, 272, 13, 13, 264, 274, 262, 266}, new int[] {0, 0, 0, 5, 5, 11, 11, 12, 12, 13, 13, 14, 14, 16, 16, 17, 17, 18}, "<s> hello hello\n\nworld"),
        new Case("lo", new int[] {1, 259, 262, 263}, new int[] {0, 0, 0, 1, 0, 1, 1, 2}, "<s> lo"),
    };
    static final Case[] SENTENCEPIECE_UNK = {
        new Case("hello world", new int[] {1, 272, 277}, new int[] {0, 0, 0, 5, 5, 11}, "<s> hello world"),
        new Case("hello  the world!", new int[] {1, 272, 278, 0, 260, 261, 277, 267}, new int[] {0, 0, 0, 5, 5, 7, 7, 8, 8, 9, 9, 10, 10, 16, 16, 17}, "<s> hello  <unk>he world!"),
        new Case("h\u00e9llo w\u00f6rld \ud83d\udc4d", new int[] {1, 268, 0, 269, 263, 273, 0, 265, 262, 266, 259, 0}, new int[] {0, 0, 0, 1, 1, 2, 2, 4, 4, 5, 5, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 14}, "<s> h<unk>llo w<unk>rld <unk>"),
        new Case("a<s>b</s>", new int[] {1, 259, 0, 1, 259, 0, 2}, new int[] {0, 0, 0, 1, 0, 1, 1, 4, 4, 5, 4, 5, 5, 9}, "<s> <unk><s> <unk></s>"),
        new Case("x <sep>  y", new int[] {1, 259, 0, 259, 0, 261, 0, 278, 0}, new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 4, 4, 5, 5, 7, 7, 9, 9, 10}, "<s> <unk> <unk>e<unk>  <unk>"),
        new Case("a [mask] b", new int[] {1, 259, 0, 259, 0, 259, 0}, new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 8, 8, 9, 9, 10}, "<s> <unk> <unk> <unk>"),
        new Case("a[mask]b", new int[] {1, 259, 0}, new int[] {0, 0, 0, 1, 0, 8}, "<s> <unk>"),
        new Case("[mask]", new int[] {1, 259, 0}, new int[] {0, 0, 0, 1, 0, 6}, "<s> <unk>"),
        new Case("", new int[] {1}, new int[] {0, 0}, "<s>"),
        new Case(" ", new int[] {1, 278}, new int[] {0, 0, 0, 1}, "<s>  "),
        new Case("hello hello\n\nworld", new int[] {1, 272, 272, 0, 264, 274, 262, 266}, new int[] {0, 0, 0, 5, 5, 11, 11, 13, 13, 14, 14, 16, 16, 17, 17, 18}, "<s> hello hello<unk>world"),
        new Case("lo", new int[] {1, 259, 262, 263}, new int[] {0, 0, 0, 1, 0, 1, 1, 2}, "<s> lo"),
    };

    static void check(Tokenizer tok, Case[] cases) {
        for (Case c : cases) {
            Encoding e = tok.encode(c.text(), true, true);
            assertArrayEquals(c.ids(), e.ids(), "ids of " + c.text());
            int[] offsets = new int[2 * e.size()];
            for (int t = 0; t < e.size(); t++) {
                offsets[2 * t] = e.start(t);
                offsets[2 * t + 1] = e.end(t);
            }
            assertArrayEquals(c.offsets(), offsets, "offsets of " + c.text());
            assertEquals(c.decoded(), tok.decode(c.ids()), "decode of " + c.text());
        }
    }

    @Test
    void byteLevelBpeWithStringMerges() {
        check(Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny-byte-level"), BYTE_LEVEL);
    }

    @Test
    void byteLevelBpeWithPairMergesIsTheSame() {
        check(Tokenizer.fromJson(TinyTokenizers.byteLevel(true), null, "tiny-byte-level-pairs"), BYTE_LEVEL);
    }

    @Test
    void sentencePieceWithByteFallback() {
        check(Tokenizer.fromJson(TinyTokenizers.sentencePiece(true), null, "tiny-sp"), SENTENCEPIECE);
    }

    @Test
    void sentencePieceWithFusedUnknowns() {
        check(Tokenizer.fromJson(TinyTokenizers.sentencePiece(false), null, "tiny-sp-unk"), SENTENCEPIECE_UNK);
    }

    @Test
    void specialTokensAsPlainText() {
        // HF encode_special_tokens=True: <s> and <sep> are spelled out, the non-special [mask] still matches.
        Tokenizer bl = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny");
        assertArrayEquals(new int[] {97, 60, 115, 62, 98, 32, 60, 115, 101, 112, 62, 32, 99, 32, 271, 32, 100},
                bl.encode("a<s>b <sep> c [mask] d", false, false).ids());
        Tokenizer sp = Tokenizer.fromJson(TinyTokenizers.sentencePiece(true), null, "tiny-sp");
        assertArrayEquals(new int[] {259, 100, 63, 118, 65, 101, 259, 63, 118, 261, 115, 65, 259, 102, 259, 94,
                112, 100, 118, 110, 96, 259, 266}, sp.encode("a<s>b <sep> c [mask] d", false, false).ids());
    }

    @Test
    void encodeWithoutSpecialTokensDropsBos() {
        Tokenizer tok = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny");
        assertArrayEquals(new int[] {268, 259, 264}, tok.encode("hello world"));
        assertArrayEquals(new int[] {259, 264}, tok.encode("hello world", false, true).ids());
    }

    @Test
    void vocabularyQueries() {
        Tokenizer tok = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny");
        assertEquals(272, tok.vocabSize());
        assertEquals(259, tok.tokenId("hello"));
        assertEquals(270, tok.tokenId("<sep>"));
        assertNull(tok.tokenId("nope"));
        assertEquals("Ġworld", tok.tokenText(264));
        assertEquals(" world", tok.decodeToken(264));
        assertTrue(tok.isSpecial(268));
        assertFalse(tok.isSpecial(271));
        assertArrayEquals(new int[] {268, 269, 270}, java.util.stream.IntStream.range(0, tok.vocabSize()).filter(tok::isSpecial).toArray());
        assertEquals("hello world", tok.decode(new int[] {268, 259, 264, 269}, true));
    }

    @Test
    void merges() {
        // Lowest rank first, leftmost among equals: "hello" is h+e, l+l, he+ll, hell+o; "lo" only when no better pair.
        Tokenizer tok = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny");
        assertArrayEquals(new int[] {259}, tok.encode("hello", false, true).ids());
        assertArrayEquals(new int[] {257, 265}, tok.encode("lllo", false, true).ids());
    }

    @Test
    void tokensCoveringMapsTextToPositions() {
        Tokenizer tok = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny");
        String text = "hello hello\n\nworld";
        Encoding e = tok.encode(text, true, true);   // <s> hello Ġhello Ċ Ċ w orl ... see BYTE_LEVEL
        int second = text.indexOf("hello", 1);
        assertEquals(new TokenSpan(3, 4), e.tokensCovering(second, second + 5));   // "Ġhello" (starts at the space)
        assertEquals(new TokenSpan(1, 2), e.tokensCovering(0, 5));
        assertEquals(new TokenSpan(6, 10), e.tokensCovering(text.indexOf("world"), text.length()));
        assertEquals(new TokenSpan(3, 3), e.tokensCovering(6, 6), "empty range: position of the next token");
        assertEquals(new TokenSpan(1, 10), e.tokensCovering(0, text.length()), "BOS has no text");
    }

    @Test
    void normalizedAddedTokensMatchTheNormalizedText() {
        // normalized=true: "<sep>" is looked for as its normalized form "▁<sep>" (Llama-2 normalizer),
        // so it matches after a space only. HF also renumbers both tokens after the vocabulary (279, 280)
        // and does not skip the special "hi there" when decoding, as its decode string is "▁hi▁there".
        String json = TinyTokenizers.sentencePiece(true).replace("\"added_tokens\":[", "\"added_tokens\":["
                + "{\"id\":281,\"content\":\"<sep>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":true,\"special\":false},"
                + "{\"id\":282,\"content\":\"hi there\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":true,\"special\":true},");
        Tokenizer tok = Tokenizer.fromJson(json, null, "tiny-sp-normalized");
        check(tok, new Case[] {
            new Case("a <sep> b", new int[] {1, 259, 100, 279, 259, 101}, new int[] {0, 0, 0, 1, 0, 1, 1, 7, 7, 8, 8, 9},
                    "<s> a <sep> b"),
            new Case("<sep>", new int[] {1, 279}, new int[] {0, 0, 0, 5}, "<s> <sep>"),
            new Case("x<sep>", new int[] {1, 259, 123, 63, 118, 261, 115, 65},
                    new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, "<s> x<sep>"),
            new Case("say hi there!", new int[] {1, 259, 118, 100, 124, 280, 267},
                    new int[] {0, 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 12, 12, 13}, "<s> say hi there!"),
        });
        assertEquals("say hi there!", tok.decode(new int[] {1, 259, 118, 100, 124, 280, 267}, true));
    }

    @Test
    void tokenizerConfigFields() {
        // bos/eos as strings or {"content": ...} objects; chat_template as a string or a named list.
        String config = "{\"bos_token\": {\"content\": \"<s>\", \"lstrip\": false}, \"eos_token\": \"</s>\","
                + " \"added_tokens_decoder\": {\"268\": {\"content\": \"<s>\"}},"
                + " \"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}]}";
        Tokenizer tok = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), config, "tiny");
        assertEquals(268, tok.bosId().getAsInt());
        assertEquals(269, tok.eosId().getAsInt());
        assertEquals("<s>", tok.bosToken().orElseThrow());
        assertEquals("D", tok.chatTemplateSource().orElseThrow());
        Tokenizer bare = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), "{\"bos_token\": null}", "tiny");
        assertTrue(bare.bosId().isEmpty());
        assertTrue(bare.chatTemplateSource().isEmpty());
    }

    @Test
    void addedTokenIdsFollowHuggingFaceNotTheJsonId() {
        // HF ignores an added token's "id" and numbers it after the model vocabulary (with a warning).
        String json = TinyTokenizers.byteLevel(false).replace("\"id\":271,\"content\":\"[mask]\"",
                "\"id\":999,\"content\":\"[mask]\"");
        Tokenizer tok = Tokenizer.fromJson(json, null, "tiny");
        assertEquals(271, tok.tokenId("[mask]"));
        assertEquals(272, tok.vocabSize());
    }
}
