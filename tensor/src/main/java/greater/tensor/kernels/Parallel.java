package greater.tensor.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.concurrent.locks.LockSupport;

/**
 * The one set of threads every kernel shares, sized to the machine's cores
 * ({@code -Dgreater.threads=N} overrides): the calling thread plus THREADS − 1 helpers. Work is
 * split into contiguous index ranges (chunks) that all of them claim from one counter, so a kernel
 * body is a plain loop over {@code [from, to)}.
 * <p>Why not a ForkJoinPool: decoding runs a few hundred small kernels per token, and a pool's
 * hand-off (wake a parked worker, park the caller until it is done) costs tens of microseconds
 * each, more when the cores are shared. Here the caller works too, so a helper that is slow to wake
 * only takes the chunks that are still left; helpers spin a little after each job before parking,
 * so a burst of kernels finds them awake.
 */
public final class Parallel {
    /** Threads the kernels use (the caller included). */
    public static final int THREADS = Math.max(1, Integer.getInteger("greater.threads",
            Runtime.getRuntime().availableProcessors()));
    /** How long a helper spins for the next job before parking, and a caller for its helpers before yielding. */
    private static final long SPIN_NANOS = Long.getLong("greater.spinNanos", 20_000);

    private static final Helper[] HELPERS = new Helper[THREADS - 1];
    /** Held by the thread whose job the helpers are working on; others run their ranges inline. */
    private static final AtomicInteger OWNER = new AtomicInteger();
    private static volatile Job current;
    private static long jobs;

    static {
        for (int i = 0; i < HELPERS.length; i++) {
            HELPERS[i] = new Helper("greater-kernel-" + (i + 1));
            HELPERS[i].start();
        }
    }

    private Parallel() {
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into ranges of at least {@code grain} indices
     * (at most 4 per thread). Runs inline when the work is small, there is one thread, or the
     * helpers are busy (a nested call, or another thread's kernel).
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = chunks(n, grain);
        if (chunks <= 1 || HELPERS.length == 0 || !OWNER.compareAndSet(0, 1)) {
            body.run(0, n);
            return;
        }
        try {
            int step = Math.ceilDiv(n, chunks);
            Job job = new Job(++jobs, body, n, step, Math.ceilDiv(n, step));
            current = job;
            for (Helper h : HELPERS) h.wake();
            job.work();
            job.await();
        } finally {
            current = null;
            OWNER.set(0);
        }
    }

    private static int chunks(int n, int grain) {
        return Math.min(THREADS * 4, Math.max(1, n / Math.max(1, grain)));
    }

    /**
     * When the last thread finishes {@code forRange(n, grain, ·)} if index i costs cost(i) and the
     * THREADS threads are equally fast: each takes the next range as soon as it is free, as forRange
     * hands them out (list scheduling in order). Kernels use it to choose block sizes whose ranges
     * divide evenly: 9 equal blocks on 2 threads finish at 5 blocks' time, 12 smaller ones at 4.5.
     */
    static long makespan(int n, int grain, IntToLongFunction cost) {
        if (n <= 0) return 0;
        int chunks = chunks(n, grain), step = Math.ceilDiv(n, chunks);
        long[] free = new long[chunks <= 1 ? 1 : THREADS];
        for (int from = 0; from < n; from += step) {
            long range = 0;
            for (int i = from; i < Math.min(n, from + step); i++) range += cost.applyAsLong(i);
            int next = 0;
            for (int t = 1; t < free.length; t++) if (free[t] < free[next]) next = t;
            free[next] += range;
        }
        long end = 0;
        for (long f : free) end = Math.max(end, f);
        return end;
    }

    /**
     * Of the block sizes most, most − step, … down to least, the largest whose blocks the threads
     * finish earliest: {@code sizes} gives the blocks' sizes (a block costs its size) for a block
     * size, and their {@link #makespan} under forRange(blocks, 1) decides. The kernels' block rows
     * ({@code ForwardCore.forwardBlockRows}, {@code GradientCore.splitRowsBlock}).
     */
    static int earliestBlock(int most, int least, int step, IntFunction<int[]> sizes) {
        int best = most;
        long bestEnd = Long.MAX_VALUE;
        for (int b = most; b >= least; b -= step) {
            int[] size = sizes.apply(b);
            long end = makespan(size.length, 1, i -> size[i]);
            if (end < bestEnd) {
                best = b;
                bestEnd = end;
            }
        }
        return best;
    }

    /**
     * The sizes of the blocks, in order, when each of ns[i] rows (of weight i) is cut into blocks
     * of {@code rows}, its last block shorter: what {@link #earliestBlock}'s {@code sizes} gives.
     */
    static int[] blockSizes(int[] ns, int rows) {
        int blocks = 0;
        for (int n : ns) blocks += Math.ceilDiv(n, rows);
        int[] size = new int[blocks];
        for (int i = 0, b = 0; i < ns.length; i++) {
            for (int r = 0; r < ns[i]; r += rows, b++) size[b] = Math.min(rows, ns[i] - r);
        }
        return size;
    }

    /** One forRange call: chunks are claimed from {@code next}; {@code done} counts finished ones. */
    private static final class Job {
        final long id;
        final RangeBody body;
        final int n, step, chunks;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable failure;

        Job(long id, RangeBody body, int n, int step, int chunks) {
            this.id = id;
            this.body = body;
            this.n = n;
            this.step = step;
            this.chunks = chunks;
        }

        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) body.run(c * step, Math.min(n, (c + 1) * step));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Waits for chunks other threads claimed: spin, then yield the core to them. */
        void await() {
            long start = System.nanoTime();
            while (done.get() < chunks) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new RuntimeException(t);
        }
    }

    private static final class Helper extends Thread {
        private volatile boolean parked;
        /** The id of the last job taken (not the job: that would keep its arrays reachable). */
        private long last;

        Helper(String name) {
            super(name);
            setDaemon(true);
        }

        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job job = nextJob();
                last = job.id;
                job.work();
            }
        }

        private Job nextJob() {
            long start = System.nanoTime();
            while (true) {
                Job job = current;
                if (job != null && job.id != last) return job;
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                job = current;
                if (job == null || job.id == last) LockSupport.park(this);
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
