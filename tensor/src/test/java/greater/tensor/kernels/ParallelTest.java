package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ParallelTest {

    @Test
    void forRangeCoversEveryIndexOnce() {
        for (int n : new int[]{1, 7, 9, 64, 1001}) {
            for (int grain : new int[]{1, 3, 100}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                Parallel.forRange(n, grain, (from, to) -> {
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "n=" + n + " grain=" + grain + " i=" + i);
            }
        }
    }

    @Test
    void makespanIsListSchedulingOfForRangesRanges() {
        int t = Parallel.THREADS;
        // one range (or one thread): everything in sequence
        assertEquals(10, Parallel.makespan(1, 1, i -> 10));
        assertEquals(45, Parallel.makespan(10, 100, i -> i));
        for (int n : new int[]{2, 5, 9, 12, 24, 100}) {
            long total = (long) n * (n + 1) / 2;
            long end = Parallel.makespan(n, 1, i -> i + 1);
            assertTrue(end >= Math.ceilDiv(total, t) && end <= total, "n=" + n + ": " + end + " of " + total);
        }
        if (t == 2) {
            // 9 blocks of 64 rows in 5 ranges of 2, 2, 2, 2, 1 blocks: one thread does 5 blocks
            assertEquals(5 * 64, Parallel.makespan(9, 1, i -> 64));
            assertEquals(6 * 48, Parallel.makespan(12, 1, i -> 48));
            // slabs 1, 2, 1, 2: the fourth task starts when both threads are at 2
            assertEquals(4, Parallel.makespan(4, 1, i -> i % 2 == 0 ? 1 : 2));
        }
    }

    @Test
    void earliestBlockIsTheLargestOfTheEarliestFinish() {
        // 600 rows in blocks of 128 down to 64, steps of 8: no candidate finishes earlier than the
        // one chosen, and every larger candidate finishes later
        int chosen = Parallel.earliestBlock(128, 64, 8, rows -> Parallel.blockSizes(new int[]{600}, rows));
        long end = KernelTesting.blocksFinish(new int[]{600}, chosen);
        for (int b = 128; b >= 64; b -= 8) {
            long other = KernelTesting.blocksFinish(new int[]{600}, b);
            assertTrue(end <= other, "blocks of " + b + " finish at " + other + ", before " + chosen + "'s " + end);
            if (b > chosen) assertTrue(other > end, "blocks of " + b + " finish as early as " + chosen);
        }
        // equal finishes: the largest block
        assertEquals(40, Parallel.earliestBlock(40, 8, 8, rows -> new int[]{1}));
    }

    @Test
    void matMulChoosesBlocksThatTheThreadsFinishTogether() {
        assumeTrue(VectorApi.ENABLED, "the block choices are the Vector API cores'");
        int t = Parallel.THREADS;
        for (int n : new int[]{20, 192, 576, 1536, 49152}) {
            int nb = ForwardCore.forwardBlockRows(new int[]{n}, 576);
            assertTrue(nb % MicroKernel.MR == 0 && nb <= 64, "n=" + n + ": " + nb);
            long end = Parallel.makespan(Math.ceilDiv(n, nb), 1, b -> Math.min(nb, n - b * nb));
            long at64 = Parallel.makespan(Math.ceilDiv(n, 64), 1, b -> Math.min(64, n - b * 64));
            assertTrue(end <= at64, "n=" + n + ": " + end + " > " + at64);
        }
        // blocks of several weights (q, k, v) are cut apart at each weight's end: still balanced
        int[] qkv = {576, 192, 192};
        int nb = ForwardCore.forwardBlockRows(qkv, 576);
        assertTrue(nb % MicroKernel.MR == 0 && nb <= 64, "q, k, v: " + nb);
        if (t == 2) assertEquals(480, KernelTesting.blocksFinish(qkv, nb), "q, k, v in blocks of " + nb + " end at half their rows");
        if (t == 2) {
            assertEquals(48, ForwardCore.forwardBlockRows(new int[]{576}, 576));
        }
    }
}
