package greater.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static greater.cli.CommandsTest.FIXTURES;
import static greater.cli.CommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input mistakes a new user makes with files and flags: each is exit code 2 and one line naming the flag or file. */
class UserErrorTest {
    static final Path LLAMA3 = Path.of("../../shared/tokenizers/llama3");

    /** Exit 2, one "error: " line that contains {@code names}, no stack trace. */
    static void oneLine(CommandsTest.Run r, String names, String... args) {
        String what = String.join(" ", args) + " -> " + r.err();
        assertEquals(2, r.code(), what);
        String[] lines = r.err().strip().split("\n");
        assertTrue(lines[0].startsWith("error: ") && !lines[0].startsWith("error: Error"), what);
        assertTrue(lines[0].contains(names), what);
        assertFalse(r.err().contains("\tat "), what);
    }

    static void check(String names, String... args) {
        oneLine(run(args), names, args);
    }

    @Test
    void tokenizeTextFileMissingOrNotUtf8(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(LLAMA3), "../shared/tokenizers/llama3 is absent");
        Path missing = tmp.resolve("missing.txt");
        check(missing.toString(), "tokenize", "--tokenizer", LLAMA3.toString(), "--text-file", missing.toString());
        check(missing.toString(), "tokenize", "--tokenizer", LLAMA3.toString(), "--jsonl", "--text-file", missing.toString());
        Path binary = tmp.resolve("binary.txt");
        Files.write(binary, new byte[]{(byte) 0xff, (byte) 0xfe, 'a'});
        check(binary.toString(), "tokenize", "--tokenizer", LLAMA3.toString(), "--text-file", binary.toString());
    }

    @Test
    void tokenizeDecodeTakesTheIdsAsItsValue() {
        Assumptions.assumeTrue(Files.isDirectory(LLAMA3), "../shared/tokenizers/llama3 is absent");
        // The bytes ED A0 90 (an encoded surrogate): three U+FFFD, as the tokenizers library decodes them.
        CommandsTest.Run r = run("tokenize", "--tokenizer", LLAMA3.toString(), "--decode", "169,254,238");
        assertEquals(0, r.code(), r.err());
        assertEquals("\"\uFFFD\uFFFD\uFFFD\"", r.out().strip());
        CommandsTest.Run old = run("tokenize", "--tokenizer", LLAMA3.toString(), "--decode", "--text", "169,254,238");
        assertEquals(0, old.code(), old.err());
        assertEquals(r.out(), old.out());
        check("--decode", "tokenize", "--tokenizer", LLAMA3.toString(), "--decode", "1,2", "--text", "3");
        check("--text", "tokenize", "--tokenizer", LLAMA3.toString());
    }

    @Test
    void logitsOutputThatCannotBeWritten(@TempDir Path tmp) {
        Path model = FIXTURES.resolve("llama");
        Assumptions.assumeTrue(Files.isDirectory(model), "fixture missing");
        check("--output", "logits", "--model", model.toString(), "--ids", "1,2,3", "--output", tmp.resolve("no/such/dir/x.safetensors").toString());
        check("--output", "logits", "--model", model.toString(), "--ids", "1,2,3", "--output", tmp.toString());
    }

    @Test
    void optimizeOutThatIsAFile(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        check(file.toString(), "optimize", "--steps", "1", "--train", "2", "--test", "2", "--quiet", "--out", file.toString());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void picocliMessagesAreNotPrefixedTwice() {
        check("--prompt", "evaluate", "--task", "arithmetic");
    }

    @Test
    void aPromptFileNamedJsonMustBeJson(@TempDir Path tmp) throws Exception {
        Path cut = Files.writeString(tmp.resolve("result.json"), "{\n  \"model\" : \"built-in demo model\",\n  \"final_pro");
        check(cut.toString(), "evaluate", "--prompt-file", cut.toString(), "--test", "1");
    }

    @Test
    void numbersOutsideTheirRangeAreRefusedNotReplacedByDefaults() {
        Path model = FIXTURES.resolve("llama");
        Assumptions.assumeTrue(Files.isDirectory(model), "fixture missing");
        check("--max-reasoning-tokens", "evaluate", "--prompt", "x", "--max-reasoning-tokens", "0");
        check("--temperature", "generate", "--model", model.toString(), "--ids", "1,2", "--max-new-tokens", "2", "--temperature", "NaN");
        check("--temperature", "generate", "--model", model.toString(), "--ids", "1,2", "--max-new-tokens", "2", "--temperature", "Infinity");
        check("--steps", "optimize", "--steps", "-3", "--dry-run");
        check("--topk", "optimize", "--topk", "0", "--dry-run");
        check("--candidates", "optimize", "--candidates", "0", "--dry-run");
        check("--max-reasoning-tokens", "optimize", "--max-reasoning-tokens", "0", "--dry-run");
        check("--control-weight", "optimize", "--control-weight", "NaN", "--dry-run");
        check("--fluency-weight", "optimize", "--fluency-weight=-0.5", "--dry-run");
        check("--test", "evaluate", "--prompt", "x", "--test", "-3");
        check("--train", "optimize", "--train", "-1", "--dry-run");
        check("KV cache", "generate", "--model", model.toString(), "--ids", "1,2", "--max-new-tokens", "100000000");
    }
}
