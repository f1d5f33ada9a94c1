package greater.tensor.autograd;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each thread's free float arrays by length between the passes that use them (a {@link Tape}'s,
 * an {@link ActivationArena}'s), softly held: a pass's activations must not cost another workload
 * its heap between passes, so the collector drops them before it would run out.
 */
final class ArrayPool {
    private final ThreadLocal<SoftReference<Map<Integer, ArrayDeque<float[]>>>> held = new ThreadLocal<>();

    /** This thread's arrays, now the caller's: the pool holds none until {@link #hold} (empty if it had none or the collector took them). */
    Map<Integer, ArrayDeque<float[]>> take() {
        SoftReference<Map<Integer, ArrayDeque<float[]>>> ref = held.get();
        Map<Integer, ArrayDeque<float[]>> arrays = ref == null ? null : ref.get();
        held.remove();
        return arrays != null ? arrays : new HashMap<>();
    }

    /** Makes {@code arrays} this thread's pool. */
    void hold(Map<Integer, ArrayDeque<float[]>> arrays) {
        held.set(new SoftReference<>(arrays));
    }

    /** The arrays this thread's pool holds now (none once collected). */
    List<float[]> arrays() {
        SoftReference<Map<Integer, ArrayDeque<float[]>>> ref = held.get();
        Map<Integer, ArrayDeque<float[]>> arrays = ref == null ? null : ref.get();
        List<float[]> all = new ArrayList<>();
        if (arrays != null) for (ArrayDeque<float[]> q : arrays.values()) all.addAll(q);
        return all;
    }
}
