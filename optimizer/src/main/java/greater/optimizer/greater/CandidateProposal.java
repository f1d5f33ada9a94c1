package greater.optimizer.greater;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Candidate tokens for prompt position i from the model's own next-token distributions
 * (docs/ALGORITHM.md §2.2, formula (2)): per sample, the top-k allowed tokens of log-softmax at
 * the position that predicts prompt token i; then, top-q times, the intersection of the top-k
 * sets of a random subset of samples; the candidates are the union of those intersections. While
 * fewer than the minimum survive, k grows by 2 (greater_opt.py:322 at 42a22d9). The current token
 * is always a candidate (greater_opt.py:337-340).
 */
final class CandidateProposal {
    private CandidateProposal() {
    }

    /**
     * @param logits    per sample, the next-token logits at position i
     * @param allowed   which ids may be proposed (ASCII words, not special, not the token at i-1)
     * @param current   the token now at position i
     * @return the candidates, ascending ids, always including {@code current}
     */
    static int[] propose(List<float[]> logits, java.util.function.IntPredicate allowed, int current,
                         GreaterSettings s, Random random) {
        int vocab = logits.getFirst().length;
        // Rank each sample's allowed tokens once; top-k is then a prefix of that ranking.
        List<int[]> rankings = new ArrayList<>();
        for (float[] l : logits) rankings.add(rankAllowed(l, allowed));
        int maxK = rankings.stream().mapToInt(r -> r.length).min().orElse(0);

        Set<Integer> union = new TreeSet<>();
        for (int k = s.topK(); ; k += 2) {
            union.clear();
            List<Set<Integer>> topSets = new ArrayList<>();
            for (int[] r : rankings) topSets.add(new LinkedHashSet<>(Arrays.stream(r, 0, Math.min(k, r.length)).boxed().toList()));
            for (int q = 0; q < s.topQ(); q++) {
                Set<Integer> inter = null;
                for (int idx : subset(topSets.size(), s.subsetSize(), random)) {
                    if (inter == null) inter = new TreeSet<>(topSets.get(idx));
                    else inter.retainAll(topSets.get(idx));
                }
                union.addAll(inter);
            }
            if (union.size() >= s.minCandidates() || k >= maxK || k >= vocab) break;
        }
        union.add(current);
        return union.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Allowed ids sorted by descending logit (ties: lower id first). */
    static int[] rankAllowed(float[] logits, java.util.function.IntPredicate allowed) {
        return java.util.stream.IntStream.range(0, logits.length).filter(allowed).boxed()
                .sorted((a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    /** {@code size} distinct indices of [0, n) (all of them when n ≤ size). */
    static int[] subset(int n, int size, Random random) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        int m = Math.min(size, n);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return Arrays.copyOf(idx, m);
    }
}
