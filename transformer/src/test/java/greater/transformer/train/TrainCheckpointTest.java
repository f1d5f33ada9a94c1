package greater.transformer.train;

import greater.tensor.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint restores the training state bit for bit (weights, Adam moments and step, the data
 * generator, options, tags), so a resumed run continues the same run. Its later steps match an
 * uninterrupted run to float rounding only: the Vector API leaves the order of a lane reduction
 * unspecified, and JIT-compiled and interpreted kernels may round the last bit differently.
 */
class TrainCheckpointTest {
    static final int VOCAB = 40;

    static TrainOptions options(int every) {
        return TrainOptions.builder(8, 11).batchSize(4).learningRate(5e-3, 5e-4).warmupSteps(2).checkpointEvery(every).build();
    }

    @Test
    void resumeRestoresTheStateExactly(@TempDir Path dir) throws Exception {
        Trainer.BatchSource data = rng -> TrainTesting.counting(rng, 4, VOCAB);
        Trainer straight = Trainer.create(TrainTesting.tiny(VOCAB), options(0), Map.of("task", "counting"));
        straight.train(data, null, s -> { });

        Path ckpt = dir.resolve("checkpoint.safetensors");
        Trainer first = Trainer.create(TrainTesting.tiny(VOCAB), options(0), Map.of("task", "counting"));
        for (int i = 0; i < 5; i++) first.step(data.next(first.dataRng()));
        first.writeCheckpoint(ckpt);

        Trainer resumed = Trainer.resume(ckpt);
        assertEquals(5, resumed.step());
        assertEquals(Map.of("task", "counting"), resumed.tags());
        assertEquals(options(0), resumed.options());
        for (var e : first.model().tensors().entrySet()) {
            assertArrayEquals(e.getValue().data(), resumed.model().tensor(e.getKey()).data(), e.getKey());
        }
        // Writing the resumed state again gives the same checkpoint: moments, step, generator, all of it.
        Path again = dir.resolve("again.safetensors");
        resumed.writeCheckpoint(again);
        try (var a = SafetensorsFile.open(ckpt); var b = SafetensorsFile.open(again)) {
            assertEquals(a.metadata(), b.metadata());
            for (String name : a.names()) assertArrayEquals(a.tensor(name).toFloatArray(), b.tensor(name).toFloatArray(), name);
        }
        assertEquals(first.dataRng().nextLong(), Trainer.resume(ckpt).dataRng().nextLong(), "data stream restored");

        resumed.train(data, ckpt, s -> { });
        assertEquals(8, resumed.step());
        try (var written = SafetensorsFile.open(ckpt)) {
            assertEquals(8, Integer.parseInt(written.metadata().get("step")));
        }
        for (var e : straight.model().tensors().entrySet()) {
            double err = TrainTesting.maxAbsDiff(e.getValue().data(), resumed.model().tensor(e.getKey()).data());
            assertTrue(err < 1e-3, e.getKey() + " differs from the uninterrupted run by " + err);
        }
    }

    @Test
    void checkpointsAreWrittenOnScheduleAndAtomically(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("checkpoint.safetensors");
        int[] seen = new int[1];
        Trainer t = Trainer.create(TrainTesting.tiny(VOCAB), options(3), Map.of());
        t.train(rng -> TrainTesting.counting(rng, 4, VOCAB), ckpt, new Trainer.Listener() {
            @Override
            public void onStep(Trainer.StepStats s) {
            }

            @Override
            public void onCheckpoint(int step, Path file) {
                seen[0] = seen[0] * 10 + step;
            }
        });
        assertEquals(368, seen[0], "checkpoints at steps 3, 6 and the last, 8");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the checkpoint remains, no temp files");
        }
        try (SafetensorsFile f = SafetensorsFile.open(ckpt)) {
            assertTrue(f.contains("adam_m/model.norm.weight") && f.contains("param/model.embed_tokens.weight"));
        }
    }

    @Test
    void aFileThatIsNotACheckpointIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.safetensors");
        TrainableModel.initialize(TrainTesting.tiny(VOCAB), new Rng(1), 0.02).writeSafetensors(file, greater.tensor.DType.F32);
        var e = assertThrows(java.io.IOException.class, () -> Trainer.resume(file));
        assertTrue(e.getMessage().contains("not a training checkpoint"), e.getMessage());
    }
}
