package greater.optimizer.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskTest {
    private static final TaskPreset PRESET = TaskPreset.named("object_counting");

    private static Task task(int n) {
        return new Task(PRESET, IntStream.range(0, n).mapToObj(i -> new Example("q" + i, Integer.toString(i))).toList());
    }

    private static List<String> questions(List<Example> ex) {
        return ex.stream().map(Example::question).toList();
    }

    @Test
    void unshuffledSplitTakesTrainThenTestFromOffset() {
        Task.Split s = task(20).split(5, 3, 4, 0);
        assertEquals(List.of("q4", "q5", "q6", "q7", "q8"), questions(s.train()));
        assertEquals(List.of("q9", "q10", "q11"), questions(s.test()));
    }

    @Test
    void devSplitSitsBetweenTrainAndTest() {
        Task.Split s = task(20).split(5, 2, 3, 4, 0);
        assertEquals(List.of("q4", "q5", "q6", "q7", "q8"), questions(s.train()));
        assertEquals(List.of("q9", "q10"), questions(s.dev()));
        assertEquals(List.of("q11", "q12", "q13"), questions(s.test()));
        assertEquals(List.of(), task(20).split(5, 3, 4, 0).dev());
        var e = assertThrows(TaskFormatException.class, () -> task(10).split(5, 3, 3, 0, 0));
        assertTrue(e.getMessage().contains("3 dev"), e.getMessage());
        assertThrows(TaskFormatException.class, () -> task(10).split(5, -1, 3, 0, 0));
    }

    @Test
    void exactFitAndEmptyTest() {
        Task t = task(10);
        Task.Split s = t.split(6, 4, 0, 0);
        assertEquals(6, s.train().size());
        assertEquals(4, s.test().size());
        assertEquals(t.examples().getLast(), s.test().getLast());
        assertEquals(List.of(), t.split(10, 0, 0, 0).test());
    }

    @Test
    void tooFewExamplesNamesTaskAndCounts() {
        var e = assertThrows(TaskFormatException.class, () -> task(99).split(50, 50, 0, 0));
        assertTrue(e.getMessage().contains("object_counting") && e.getMessage().contains("99"), e.getMessage());
        assertThrows(TaskFormatException.class, () -> task(100).split(50, 50, 1, 0));
        assertThrows(TaskFormatException.class, () -> task(100).split(50, 50, 1, 7));
    }

    @Test
    void hugeSizesDoNotOverflowIntoAnIndexError() {
        assertThrows(TaskFormatException.class, () -> task(10).split(Integer.MAX_VALUE, 1, 0, 0));
        assertThrows(TaskFormatException.class, () -> task(10).split(5, Integer.MAX_VALUE, Integer.MAX_VALUE, 0));
    }

    @Test
    void invalidSizes() {
        assertThrows(TaskFormatException.class, () -> task(10).split(0, 5, 0, 0));
        assertThrows(TaskFormatException.class, () -> task(10).split(5, -1, 0, 0));
        assertThrows(TaskFormatException.class, () -> task(10).split(5, 1, -1, 0));
    }

    @Test
    void seededShuffleIsDeterministicAndSeedDependent() {
        Task t = task(200);
        Task.Split a = t.split(50, 50, 0, 42);
        Task.Split b = t.split(50, 50, 0, 42);
        Task.Split c = t.split(50, 50, 0, 43);
        assertEquals(a, b);
        assertNotEquals(questions(a.train()), questions(c.train()));
        assertNotEquals(questions(a.train()), questions(t.split(50, 50, 0, 0).train()), "a non-zero seed shuffles");
    }

    @Test
    void trainAndTestAreDisjointAndDrawnFromTheTask() {
        Task t = task(120);
        for (long seed : new long[]{0, 1, 2, 12345}) {
            Task.Split s = t.split(50, 50, 10, seed);
            Set<Example> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            seen.addAll(s.train());
            for (Example e : s.test()) assertTrue(seen.add(e), "example in both train and test: " + e);
            assertEquals(100, seen.size());
            assertTrue(t.examples().containsAll(seen));
        }
    }

    @Test
    void offsetWithSeedSlicesTheShuffledOrder() {
        Task t = task(60);
        Task.Split whole = t.split(30, 30, 0, 9);
        Task.Split shifted = t.split(10, 20, 30, 9);
        assertEquals(whole.test().subList(0, 10), shifted.train());
        assertEquals(whole.test().subList(10, 30), shifted.test());
    }

    @Test
    void splitDoesNotChangeTheTaskAndTaskCopiesItsList() {
        List<Example> source = new ArrayList<>(task(30).examples());
        Task t = new Task(PRESET, source);
        source.clear();
        assertEquals(30, t.examples().size());
        List<Example> before = List.copyOf(t.examples());
        t.split(10, 10, 0, 5);
        assertEquals(before, t.examples());
        assertThrows(UnsupportedOperationException.class, () -> t.split(10, 10, 0, 5).train().add(before.getFirst()));
    }
}
