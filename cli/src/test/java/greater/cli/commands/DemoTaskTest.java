package greater.cli.commands;

import greater.optimizer.task.Example;
import greater.optimizer.task.Task;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's split seed draws other problems; seed 0 is the fixed draw the README reports. */
class DemoTaskTest {
    @Test
    void splitSeedDrawsOtherDisjointProblemsAndZeroIsTheFixedDraw() {
        Task.Split fixed = DemoTask.split(24, 0, 100, 0, 0);
        assertEquals(fixed, DemoTask.split(24, 0, 100, 0, 0));
        Set<String> seenTrain = new HashSet<>(questions(fixed.train()));
        for (long seed = 1; seed <= 5; seed++) {
            Task.Split s = DemoTask.split(24, 0, 100, 0, seed);
            assertEquals(s, DemoTask.split(24, 0, 100, 0, seed), "seed " + seed + " draws the same twice");
            assertNotEquals(questions(fixed.train()), questions(s.train()), "seed " + seed);
            assertNotEquals(questions(fixed.test()), questions(s.test()), "seed " + seed);
            Set<String> train = new HashSet<>(questions(s.train()));
            assertTrue(questions(s.test()).stream().noneMatch(train::contains), "train and test share a question (seed " + seed + ")");
            seenTrain.addAll(train);
        }
        assertTrue(seenTrain.size() > 24 * 5, "seeds should mostly draw different train problems: " + seenTrain.size());
    }

    private static List<String> questions(List<Example> xs) {
        return xs.stream().map(Example::question).toList();
    }
}
