package greater.transformer.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-to-end check: a tiny model trained for a few steps with our autodiff and AdamW learns. */
class TrainLossTest {
    @Test
    void lossFallsWithinAFewSteps() {
        int vocab = 48;
        TrainOptions options = TrainOptions.builder(30, 7).batchSize(12).learningRate(1e-2, 1e-3).warmupSteps(3)
                .checkpointEvery(0).build();
        Trainer trainer = Trainer.create(TrainTesting.tiny(vocab), options, Map.of());
        List<TrainingSequence> heldOut = TrainTesting.counting(new Rng(99), 32, vocab);
        double before = trainer.evaluate(heldOut);
        double first = Double.NaN, last = Double.NaN;
        while (trainer.step() < options.steps()) {
            Trainer.StepStats s = trainer.step(TrainTesting.counting(trainer.dataRng(), options.batchSize(), vocab));
            if (s.step() == 1) first = s.loss();
            last = s.loss();
            assertTrue(Double.isFinite(s.loss()) && s.gradNorm() > 0, "step " + s.step() + ": " + s);
        }
        double after = trainer.evaluate(heldOut);
        System.out.printf("counting task: held-out loss %.3f -> %.3f (ln V = %.3f); train loss %.3f -> %.3f%n",
                before, after, Math.log(vocab), first, last);
        assertTrue(before > 0.9 * Math.log(vocab), "an untrained model is near uniform: " + before);
        assertTrue(after < 0.5 * before, "held-out loss fell from " + before + " only to " + after);
        assertTrue(last < 0.5 * first, "train loss fell from " + first + " only to " + last);
    }
}
