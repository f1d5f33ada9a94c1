package greater.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one clear line naming the file and the problem. */
class TokenizerErrorsTest {
    @TempDir
    Path dir;

    static TokenizerException fails(org.junit.jupiter.api.function.Executable e, String... expected) {
        TokenizerException x = assertThrows(TokenizerException.class, e);
        for (String s : expected) {
            assertTrue(x.getMessage().contains(s), "message \"" + x.getMessage() + "\" should contain \"" + s + "\"");
        }
        assertFalse(x.getMessage().contains("\n"), "one line: " + x.getMessage());
        return x;
    }

    @Test
    void missingFileAndFolder() {
        fails(() -> Tokenizer.load(dir.resolve("nope.json")), "nope.json", "no such file");
        fails(() -> Tokenizer.load(dir), dir.toString(), "no tokenizer.json");
    }

    @Test
    void notJson() throws IOException {
        Path f = Files.writeString(dir.resolve("tokenizer.json"), "this is not json {");
        fails(() -> Tokenizer.load(f), f.toString(), "not valid JSON", "line 1");
        Path g = Files.writeString(dir.resolve("trunc.json"), TinyTokenizers.byteLevel(false).substring(0, 500));
        fails(() -> Tokenizer.load(g), "trunc.json", "not valid JSON");
        Path h = Files.writeString(dir.resolve("array.json"), "[1, 2]");
        fails(() -> Tokenizer.load(h), "array.json", "not a tokenizer.json");
    }

    @Test
    void unknownModelType() {
        String unigram = TinyTokenizers.byteLevel(false).replace("\"type\":\"BPE\"", "\"type\":\"Unigram\"");
        fails(() -> Tokenizer.fromJson(unigram, null, "uni.json"), "uni.json", "unknown model type \"Unigram\"", "BPE");
    }

    @Test
    void unknownComponentTypes() {
        String tiny = TinyTokenizers.sentencePiece(true);
        fails(() -> Tokenizer.fromJson(tiny.replace("\"type\":\"Prepend\"", "\"type\":\"Precompiled\""), null, "t.json"),
                "t.json", "unknown normalizer type \"Precompiled\"", "supported: Sequence");
        fails(() -> Tokenizer.fromJson(tiny.replace("\"type\":\"Fuse\"", "\"type\":\"CTC\""), null, "t.json"),
                "unknown decoder type \"CTC\"");
        fails(() -> Tokenizer.fromJson(tiny.replace("\"type\":\"TemplateProcessing\"", "\"type\":\"RobertaProcessing\""),
                null, "t.json"), "unknown post_processor type \"RobertaProcessing\"");
        String bl = TinyTokenizers.byteLevel(false);
        fails(() -> Tokenizer.fromJson(bl.replace("\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true}",
                "\"type\":\"BertPreTokenizer\"}"), null, "t.json"), "unknown pre_tokenizer type \"BertPreTokenizer\"");
    }

    @Test
    void badMergesAndIds() {
        String missing = TinyTokenizers.byteLevel(false).replace("\"h e\"", "\"h zz\"");
        fails(() -> Tokenizer.fromJson(missing, null, "m.json"), "m.json", "merge 0", "\"zz\"", "not in the vocabulary");
        String three = TinyTokenizers.byteLevel(false).replace("\"h e\"", "\"h e x\"");
        fails(() -> Tokenizer.fromJson(three, null, "m.json"), "merge 0", "one space");
        Tokenizer tok = Tokenizer.fromJson(TinyTokenizers.byteLevel(false), null, "tiny");
        fails(() -> tok.decode(new int[] {5, 100000}), "token id 100000", "not in the vocabulary");
        fails(() -> Tokenizer.fromJson(TinyTokenizers.byteLevel(false).replace("\"version\":\"1.0\"", "\"version\":\"2.0\""),
                null, "v.json"), "unknown tokenizer.json version \"2.0\"");
    }
}
