package greater.optimizer.greater;

import greater.transformer.infer.Request;
import greater.transformer.infer.Stage;
import greater.transformer.infer.StageResult;
import greater.transformer.model.KvCache;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One training sample at run time, immutable: its layout, the KV cache of its prefix (chat header
 * and question, computed once and copied into every sequence that starts with it: the prefix
 * reuse the official code lists as a TODO in its README.md:52 at 42a22d9; docs/ALGORITHM.md §3),
 * and the next-token logits after the prefix [V].
 */
final class Sample {
    final SampleLayout layout;
    final KvCache prefixCache;         // exactly the prefix
    final float[] logitsAfterPrefix;   // [V]: predicts prompt token 0

    private Sample(SampleLayout layout, KvCache prefixCache, float[] logitsAfterPrefix) {
        this.layout = layout;
        this.prefixCache = prefixCache;
        this.logitsAfterPrefix = logitsAfterPrefix;
    }

    /** Every layout's prefix run once (packed together under the budget). */
    static List<Sample> prepare(Transformer model, List<SampleLayout> layouts, ExecutionSettings exec) {
        List<KvCache> caches = new ArrayList<>();
        List<Request> requests = new ArrayList<>();
        for (SampleLayout layout : layouts) {
            KvCache cache = model.newCache(layout.prefix().length);
            caches.add(cache);
            int n = layout.prefix().length;
            requests.add(Request.inCache(cache, Stage.score(layout.prefix(), n - 1, n), null));
        }
        List<List<StageResult>> done = exec.generator(model).generate(requests);
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < layouts.size(); s++) {
            samples.add(new Sample(layouts.get(s), caches.get(s), done.get(s).getFirst().logits().data()));
        }
        return samples;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
