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
    @Test
    void splitsAndTaskTextNameTheirFlag() {
        check("--test must be >= 1, got 0", "optimize", "--test", "0", "--dry-run");
        check("--test must be >= 1, got 0", "evaluate", "--prompt", "x", "--test", "0");
        check("--extractor must contain text, got ''", "optimize", "--extractor", "", "--dry-run");
        check("--extractor must contain text, got ' '", "evaluate", "--prompt", "x", "--extractor", " ");
        check("--task: 'abc' is neither a task name nor an existing file", "optimize", "--task", "abc", "--dry-run");
        check("--task: '' is neither a task name nor an existing file", "evaluate", "--prompt", "x", "--task", "");
    }

    @Test
    void theInitialPromptAndTheExtractorAreCheckedAgainstTheTokenizerUnderTheirFlag() {
        check("--initial-prompt '' tokenizes to nothing", "optimize", "--initial-prompt", "", "--dry-run");
        check("--control-init ' ' tokenizes to nothing", "optimize", "--control-init", " ", "--dry-run");
        // The demo tokenizer has one token " (-": a negative answer cannot be told apart from the extractor "(".
        check("--extractor '(' merges into the first token of the answer", "optimize", "--extractor", "(", "--train", "2", "--test", "2", "--dry-run");
        check("--extractor '(' merges into the first token of the answer", "evaluate", "--prompt", "x", "--extractor", "(", "--test", "2");
    }

    @Test
    void picocliNamesAnOptionAsTyped() {
        check("'--control-weight': 'abc' is not a float", "optimize", "--control-weight", "abc", "--dry-run");
        check("'--fluency-weight': 'abc' is not a float", "optimize", "--fluency-weight=abc", "--dry-run");
    }

    @Test
    void anEmptyPathIsRefusedUnderItsFlag(@TempDir Path tmp) {
        // Path.of("") is the working folder: an unset shell variable must not silently mean it.
        check("'--model': the path is empty", "inspect", "--model", "");
        check("'--tokenizer': the path is empty", "tokenize", "--tokenizer", "", "--text", "x");
        check("'--data-dir': the path is empty", "optimize", "--task", "navigate", "--data-dir", "", "--dry-run");
        check("'--out': the path is empty", "train", "--task", "arithmetic", "--out", "");
        check("'--records': the path is empty", "evaluate", "--prompt", "x", "--records", "");
    }

    @Test
    void commandsWithTheirOwnNumbersNameTheFlagOutOfRange(@TempDir Path tmp) {
        Path model = FIXTURES.resolve("llama");
        Assumptions.assumeTrue(Files.isDirectory(model), "fixture missing");
        for (String flag : new String[]{"--prefill", "--grad", "--decode"}) {
            check(flag + " must be >= 0, got -1", "bench", "--model", model.toString(), flag, "-1");
        }
        check("--repeats must be >= 1, got 0", "bench", "--model", model.toString(), "--repeats", "0");
        check("--warmup must be seconds in [0, 3600), got -1.0", "bench", "--model", model.toString(), "--warmup", "-1");
        String out = tmp.resolve("m").toString();
        check("--steps must be >= 1, got 0", "train", "--task", "arithmetic", "--out", out, "--steps", "0");
        check("--vocab must be >= 300, got 299", "train", "--task", "arithmetic", "--out", out, "--vocab", "299");
        check("--log-every must be >= 1, got 0", "train", "--task", "arithmetic", "--out", out, "--log-every", "0");
        check("--eval must be >= 0, got -1", "train", "--task", "arithmetic", "--out", out, "--eval", "-1");
        assertFalse(Files.exists(tmp.resolve("m")), "nothing is written for a refused value");
    }

    @Test
    void inlineIdsToDecodeAreNamedByTheirFlag() {
        Assumptions.assumeTrue(Files.isDirectory(LLAMA3), "../shared/tokenizers/llama3 is absent");
        check("--decode: neither a JSON array of ids nor ids separated by commas", "tokenize", "--tokenizer", LLAMA3.toString(), "--decode", "abc");
        check("--decode: " + LLAMA3.resolve("tokenizer.json") + ": token id -1 is not in the vocabulary", "tokenize", "--tokenizer", LLAMA3.toString(),
                "--decode", "-1");
        check("--text: not a JSON array of ids", "tokenize", "--tokenizer", LLAMA3.toString(), "--decode", "--text", "[1,");
    }
}
