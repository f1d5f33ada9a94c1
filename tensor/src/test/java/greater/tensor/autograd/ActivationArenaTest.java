package greater.tensor.autograd;

import greater.tensor.DType;
import greater.tensor.Shape;
import greater.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an {@link ActivationArena} lends and takes back: released arrays are lent again, kept and
 * last-region ones never; inert under a tape and inside another arena; its pool apart from the
 * tapes' and cut to the last arena's lengths. Each case runs on a thread of its own, so it starts
 * from empty pools.
 */
class ActivationArenaTest {
    private static final int N = Tape.POOLED_MIN;

    @Test
    void aReleasedArrayIsLentAgainAndAKeptOneIsNot() throws Exception {
        onNewThread(() -> {
            try (ActivationArena arena = ActivationArena.open()) {
                float[] a = Tape.output(N), b = Tape.output(N), other = Tape.output(2 * N);
                arena.release(Tensor.of(b, N));
                float[] c = Tape.output(N), d = Tape.output(N), e = Tape.output(2 * N);
                assertSame(a, c, "the released array of that length");
                assertNotSame(b, d, "b was kept");
                assertNotSame(a, d);
                assertSame(other, e, "pooled by length");
                // b, kept once, goes back with the next release that does not keep it
                arena.release();
                float[] f = Tape.output(N), g = Tape.output(N), h = Tape.output(N);
                assertTrue(isOneOf(b, f, g, h), "b released by the second release");
            }
            return null;
        });
    }

    @Test
    void closeLeavesWhatTheLastRegionTookAlone() throws Exception {
        onNewThread(() -> {
            float[] result;
            float[] released;
            try (ActivationArena arena = ActivationArena.open()) {
                released = Tape.output(N);
                arena.release();
                assertSame(released, Tape.output(N));
                result = Tape.output(N); // the pass's result, say
            }
            try (ActivationArena next = ActivationArena.open()) {
                float[] a = Tape.output(N), b = Tape.output(N);
                assertNotSame(result, a, "the last region's arrays escape the arena");
                assertNotSame(result, b);
                // released was taken again in the last region, so it escaped too
                assertNotSame(released, a);
                assertNotSame(released, b);
            }
            return null;
        });
    }

    @Test
    void smallOutputsAreNotPooled() throws Exception {
        onNewThread(() -> {
            try (ActivationArena arena = ActivationArena.open()) {
                float[] a = Tape.output(N - 1);
                arena.release();
                assertNotSame(a, Tape.output(N - 1));
            }
            return null;
        });
    }

    @Test
    void inertWhileATapeRecords() throws Exception {
        onNewThread(() -> {
            Tensor x = Tensor.of(new float[N], N).requiresGrad(true);
            try (Tape tape = Tape.record(); ActivationArena arena = ActivationArena.open()) {
                float[] frozen = Tape.output(N), recorded = Tape.output(N, x);
                arena.release();
                assertNotSame(frozen, Tape.output(N), "a tape's pass does not recycle");
                assertNotSame(recorded, Tape.output(N, x));
                assertNull(ActivationArena.take(N));
            }
            return null;
        });
    }

    @Test
    void anArenaInsideAnotherIsInert() throws Exception {
        onNewThread(() -> {
            try (ActivationArena outer = ActivationArena.open()) {
                float[] a = Tape.output(N);
                try (ActivationArena inner = ActivationArena.open()) {
                    inner.release();
                    assertNotSame(a, Tape.output(N), "the inner arena released nothing");
                }
                outer.release();
                float[] b = Tape.output(N), c = Tape.output(N);
                assertTrue(isOneOf(a, b, c), "the outer arena still governs");
            }
            return null;
        });
    }

    @Test
    void arenasAndTapesKeepPoolsApart() throws Exception {
        onNewThread(() -> {
            Tensor x = Tensor.of(new float[N], N).requiresGrad(true);
            float[] lent;
            try (Tape tape = Tape.record()) {
                lent = Tape.output(N, x);
            }
            float[] a;
            try (ActivationArena arena = ActivationArena.open()) {
                a = Tape.output(N);
                assertNotSame(lent, a, "the tape's pool is not the arena's");
                arena.release();
            }
            try (Tape tape = Tape.record()) {
                assertSame(lent, Tape.output(N, x), "an inference pass left the tape's arrays alone");
            }
            try (ActivationArena arena = ActivationArena.open()) {
                assertSame(a, Tape.output(N));
            }
            return null;
        });
    }

    @Test
    void thePoolKeepsOnlyTheLengthsOfTheLastArena() throws Exception {
        onNewThread(() -> {
            // GReaTer's passes change length all the time: each length's arrays must not stay for good
            for (int length = N; length < N + 50; length++) {
                try (ActivationArena arena = ActivationArena.open()) {
                    Tape.output(length);
                    Tape.output(2 * length);
                    arena.release();
                }
            }
            List<float[]> pooled = ActivationArena.pooled();
            assertEquals(2, pooled.size(), "the last arena's two arrays");
            for (float[] a : pooled) assertTrue(a.length == N + 49 || a.length == 2 * (N + 49), "length " + a.length);
            return null;
        });
    }

    @Test
    void keepingAViewKeepsNothingAndDoesNotThrow() throws Exception {
        onNewThread(() -> {
            try (ActivationArena arena = ActivationArena.open()) {
                float[] a = Tape.output(N);
                arena.release(Tensor.view(MemorySegment.ofArray(new float[N]), DType.F32, Shape.of(N)));
                assertSame(a, Tape.output(N));
            }
            return null;
        });
    }

    private static boolean isOneOf(float[] a, float[]... arrays) {
        for (float[] b : arrays) if (a == b) return true;
        return false;
    }

    private static <R> R onNewThread(Supplier<R> body) throws Exception {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).get();
    }
}
