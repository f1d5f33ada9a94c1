package greater.cli;

import greater.cli.CommandsTest.Run;
import greater.transformer.LanguageModel;
import greater.tensor.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code greater train} end to end on the tiny size: tokenizer, a few steps, the model folder, the evaluation table. */
class TrainCommandTest {
    @Test
    void trainsWritesAFolderTheProductLoadsAndEvaluatesIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("model");
        Run r = CommandsTest.run("train", "--task", "arithmetic", "--out", out.toString(), "--size", "tiny", "--steps", "3",
                "--batch", "4", "--vocab", "300", "--eval", "2", "--log-every", "1");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "checkpoint.safetensors"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (SafetensorsFile checkpoint = SafetensorsFile.open(out.resolve("checkpoint.safetensors"))) {
            assertEquals("3", checkpoint.metadata().get("step"));
        }
        assertTrue(r.out().contains("held-out accuracy, greedy, 2 test-split questions"), r.out());
        assertEquals(6, r.out().lines().filter(l -> l.contains("%  (worked")).count(), r.out());
        try (LanguageModel lm = LanguageModel.load(out)) {
            assertEquals(2, lm.config().layers(), "the tiny size");
        }
        Run again = CommandsTest.run("train", "--task", "arithmetic", "--out", out.toString(), "--steps", "4");
        assertEquals(2, again.code(), "a resumed run must keep --steps: " + again.err());
    }
}
