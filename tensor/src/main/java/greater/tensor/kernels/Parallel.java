package greater.tensor.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one thread pool every kernel shares, sized to the machine's cores
 * ({@code -Dgreater.threads=N} overrides). Work is split into contiguous index ranges, one task
 * per chunk, so a kernel body is a plain loop over {@code [from, to)}.
 */
public final class Parallel {
    /** Threads the kernels use. */
    public static final int THREADS = Integer.getInteger("greater.threads",
            Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private Parallel() {
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into ranges of at least {@code grain} indices.
     * Runs inline when the work is small, there is one thread, or we are already inside the pool.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS * 4, Math.max(1, n / Math.max(1, grain)));
        if (POOL == null || chunks <= 1 || inPool()) {
            body.run(0, n);
            return;
        }
        POOL.invoke(new Chunk(body, 0, n, Math.max(grain, (n + chunks - 1) / chunks)));
    }

    private static boolean inPool() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL;
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int from, to, step;

        Chunk(RangeBody body, int from, int to, int step) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.step = step;
        }

        @Override
        protected void compute() {
            if (to - from <= step) {
                body.run(from, to);
                return;
            }
            int mid = from + ((to - from) / step / 2) * step;
            if (mid <= from) mid = from + step;
            invokeAll(new Chunk(body, from, mid, step), new Chunk(body, mid, to, step));
        }
    }
}
