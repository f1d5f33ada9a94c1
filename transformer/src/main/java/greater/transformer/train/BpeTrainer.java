package greater.transformer.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns byte-level BPE merges from a corpus (Sennrich et al. 2016; GPT-2's byte alphabet):
 * count the pre-tokenized words, then repeatedly merge the most frequent adjacent pair of symbols
 * (ties broken by the pair's text, so the result is deterministic) until the vocabulary reaches
 * the target size or no pair occurs {@code minFrequency} times. Merges never cross words, and
 * digits are words of their own, so numbers stay digit by digit.
 */
public final class BpeTrainer {
    private BpeTrainer() {
    }

    public static ByteLevelBpe train(Iterable<String> texts, int vocabSize, List<String> specialTokens, int minFrequency) {
        Map<String, Integer> wordCounts = new LinkedHashMap<>();
        for (String text : texts) {
            for (String piece : splitSpecials(text, specialTokens)) {
                for (String w : ByteLevelBpe.words(piece)) wordCounts.merge(w, 1, Integer::sum);
            }
        }
        ByteLevelBpe base = new ByteLevelBpe(specialTokens, List.of());
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < base.vocabSize(); i++) symbols.add(base.token(i));
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (var e : wordCounts.entrySet()) {
            String w = e.getKey();
            int[] s = new int[w.length()];
            for (int i = 0; i < s.length; i++) s[i] = base.id(String.valueOf(w.charAt(i)));
            words.add(s);
            counts.add(e.getValue());
        }
        List<String[]> merges = new ArrayList<>();
        while (symbols.size() < vocabSize) {
            Map<Long, Long> pairs = new HashMap<>();
            for (int k = 0; k < words.size(); k++) {
                int[] s = words.get(k);
                for (int i = 0; i + 1 < s.length; i++) pairs.merge(((long) s[i] << 32) | s[i + 1], (long) counts.get(k), Long::sum);
            }
            long bestKey = -1, bestCount = 0;
            for (var e : pairs.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && compare(symbols, e.getKey(), bestKey) < 0)) {
                    bestCount = c;
                    bestKey = e.getKey();
                }
            }
            if (bestCount < Math.max(1, minFrequency)) break;
            int left = (int) (bestKey >>> 32), right = (int) bestKey;
            merges.add(new String[]{symbols.get(left), symbols.get(right)});
            int merged = symbols.size();
            symbols.add(symbols.get(left) + symbols.get(right));
            for (int k = 0; k < words.size(); k++) words.set(k, replace(words.get(k), left, right, merged));
        }
        return new ByteLevelBpe(specialTokens, merges);
    }

    private static int compare(List<String> symbols, long a, long b) {
        if (b < 0) return -1;
        int c = symbols.get((int) (a >>> 32)).compareTo(symbols.get((int) (b >>> 32)));
        return c != 0 ? c : symbols.get((int) a).compareTo(symbols.get((int) b));
    }

    private static int[] replace(int[] s, int left, int right, int merged) {
        int w = 0;
        int[] out = null;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                if (out == null) {
                    out = new int[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    w = i;
                }
                out[w++] = merged;
                i++;
            } else if (out != null) {
                out[w++] = s[i];
            }
        }
        return out == null ? s : java.util.Arrays.copyOf(out, w);
    }

    /** The text between special-token literals. */
    static List<String> splitSpecials(String text, List<String> specials) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i <= text.length()) {
            int best = -1, len = 0;
            for (String s : specials) {
                int at = text.indexOf(s, i);
                if (at >= 0 && (best < 0 || at < best || (at == best && s.length() > len))) {
                    best = at;
                    len = s.length();
                }
            }
            if (best < 0) {
                if (i < text.length()) out.add(text.substring(i));
                break;
            }
            if (best > i) out.add(text.substring(i, best));
            i = best + len;
        }
        return out;
    }
}
