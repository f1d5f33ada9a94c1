package greater.transformer.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds added-token literals in text with HF's semantics (daachorse, {@code LeftmostLongest}):
 * the match that starts leftmost, the longest one there, then the search resumes after it.
 *
 * <p>A char trie in flat arrays (children of a node sorted by char, binary-searched), plus a
 * table of the chars that can start a match so that most positions cost one array read. Gemma-3's
 * 6,415 added tokens make about 70,000 nodes.
 */
final class TokenTrie {
    private final char[][] keys;     // per node: sorted child chars
    private final int[][] children;  // per node: child node ids
    private final int[] value;       // per node: token index or -1
    private final boolean[] startChar = new boolean[65536];
    private final boolean empty;

    /** @param patterns literal texts; a match reports the index into this list (first wins on duplicates) */
    TokenTrie(List<String> patterns) {
        List<TreeMap<Character, Integer>> nodes = new ArrayList<>();
        IntList values = new IntList(64);
        nodes.add(new TreeMap<>());
        values.add(-1);
        for (int p = 0; p < patterns.size(); p++) {
            String s = patterns.get(p);
            if (s.isEmpty()) {
                continue;
            }
            startChar[s.charAt(0)] = true;
            int node = 0;
            for (int i = 0; i < s.length(); i++) {
                Integer child = nodes.get(node).get(s.charAt(i));
                if (child == null) {
                    child = nodes.size();
                    nodes.get(node).put(s.charAt(i), child);
                    nodes.add(new TreeMap<>());
                    values.add(-1);
                }
                node = child;
            }
            if (values.get(node) < 0) {
                values.set(node, p);
            }
        }
        int n = nodes.size();
        keys = new char[n][];
        children = new int[n][];
        value = values.toArray();
        for (int i = 0; i < n; i++) {
            TreeMap<Character, Integer> m = nodes.get(i);
            keys[i] = new char[m.size()];
            children[i] = new int[m.size()];
            int k = 0;
            for (Map.Entry<Character, Integer> e : m.entrySet()) {
                keys[i][k] = e.getKey();
                children[i][k] = e.getValue();
                k++;
            }
        }
        empty = n == 1;
    }

    boolean isEmpty() {
        return empty;
    }

    /**
     * The next match in {@code text[from, to)}: returns {@code start, end, patternIndex} in
     * {@code out} and true, or false when there is none.
     */
    boolean find(String text, int from, int to, int[] out) {
        if (empty) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!startChar[text.charAt(i)]) {
                continue;
            }
            int node = 0;
            int bestEnd = -1;
            int bestValue = -1;
            for (int j = i; j < to; j++) {
                char[] k = keys[node];
                int at = Arrays.binarySearch(k, text.charAt(j));
                if (at < 0) {
                    break;
                }
                node = children[node][at];
                if (value[node] >= 0) {
                    bestEnd = j + 1;
                    bestValue = value[node];
                }
            }
            if (bestEnd > 0) {
                out[0] = i;
                out[1] = bestEnd;
                out[2] = bestValue;
                return true;
            }
        }
        return false;
    }
}
