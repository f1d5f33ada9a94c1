package greater.transformer.tokenizer;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of tokenizer.json ({@code "model": {"type": "BPE", ...}}), covering both flavours
 * real checkpoints ship: byte-level vocabularies (GPT-2 chars, Llama-3, Qwen, SmolLM) and
 * SentencePiece-style ones with {@code ▁} and {@code <0xXX>} byte fallback (Llama-2, Gemma).
 *
 * <p>{@link #tokenize} follows HF's {@code BPE::merge_word} + {@code Word::merge_all}: a word
 * starts as one symbol per code point (with {@code continuing_subword_prefix} on all but the first
 * and {@code end_of_word_suffix} on the last); a code point missing from the vocabulary becomes its
 * UTF-8 byte tokens when {@code byte_fallback} is on, else {@code unk_token} (consecutive unknowns
 * fused with {@code fuse_unk}), else nothing. Then the pair of lowest merge rank, leftmost first,
 * is merged until no pair merges (a min-heap of {@code rank << 32 | position}, stale entries
 * skipped). With {@code ignore_merges} a word that is itself a vocabulary entry is one token.
 *
 * <p>Results are cached per word (bounded), which is what makes prose fast: most words repeat.
 * Instances are immutable apart from the cache and safe to share between threads.
 */
final class Bpe {
    private static final int CACHE_CAPACITY = 200_000;
    private static final int CACHE_MAX_WORD = 256;

    private final Vocabulary vocab;
    private final MergeTable merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final String prefix;
    private final String suffix;
    /** Id of each single-char BMP token, -1 when absent (used when there is no prefix/suffix). */
    private final int[] charIds = new int[65536];
    /** Ids of {@code <0x00>}..{@code <0xFF>}, -1 when absent. */
    private final int[] byteIds = new int[256];
    private final boolean allByteIds;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();
    /** SentencePiece's word boundary char. */
    private static final char METASPACE = '\u2581';
    /** Chars that some vocabulary token has right before a {@code ▁} (Gemma-3: '>' in {@code >▁</}). */
    private final Set<Character> joinsMetaspace;
    /** Whether long words may be cut before {@code ▁} (see {@link #tokenizeChunks}). */
    private final boolean chunkAtMetaspace;

    Bpe(Vocabulary vocab, String[] tokensById, MergeTable merges, String unkToken, boolean fuseUnk,
        boolean byteFallback, boolean ignoreMerges, String prefix, String suffix, String where) {
        this.vocab = vocab;
        this.merges = merges;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.prefix = prefix == null || prefix.isEmpty() ? null : prefix;
        this.suffix = suffix == null || suffix.isEmpty() ? null : suffix;
        if (unkToken != null) {
            int id = vocab.get(unkToken);
            if (id < 0) {
                throw new TokenizerException(where + ": unk_token \"" + unkToken + "\" is not in the vocabulary");
            }
            unkId = id;
        } else {
            unkId = -1;
        }
        java.util.Arrays.fill(charIds, -1);
        Set<Character> joinsMetaspace = new HashSet<>();
        for (int id = 0; id < tokensById.length; id++) {
            String t = tokensById[id];
            if (t == null) {
                continue;
            }
            if (t.length() == 1) {
                charIds[t.charAt(0)] = id;
            }
            for (int k = t.indexOf(METASPACE, 1); k > 0; k = t.indexOf(METASPACE, k + 1)) {
                if (t.charAt(k - 1) != METASPACE) {
                    joinsMetaspace.add(t.charAt(k - 1));
                }
            }
        }
        boolean all = true;
        for (int b = 0; b < 256; b++) {
            int id = vocab.get(String.format("<0x%02X>", b));
            byteIds[b] = id;
            all &= id >= 0;
        }
        this.joinsMetaspace = joinsMetaspace;
        // Cutting moves word starts and ends, which a subword prefix/suffix would notice.
        this.chunkAtMetaspace = !ignoreMerges && this.prefix == null && this.suffix == null
                && vocab.get(String.valueOf(METASPACE)) >= 0;
        allByteIds = all;
    }

    /** The id of a vocabulary string, or -1. */
    int tokenId(String token) {
        return vocab.get(token);
    }

    /**
     * Tokenizes one pre-tokenized word. Returns packed {@code [id, start, end]} triples, where
     * {@code [start, end)} is the span of {@code word} (UTF-16 indices) the token came from; byte
     * fallback tokens of one code point all carry that code point's span.
     */
    int[] tokenize(String word) {
        if (word.isEmpty()) {
            return new int[0];
        }
        if (ignoreMerges) {
            int id = vocab.get(word);
            if (id >= 0) {
                return new int[] {id, 0, word.length()};
            }
        }
        if (chunkAtMetaspace && word.length() > CACHE_MAX_WORD / 4) {
            return tokenizeChunks(word);
        }
        return cached(word);
    }

    /** BPE of one word through the bounded cache. */
    private int[] cached(String word) {
        boolean cacheable = word.length() <= CACHE_MAX_WORD;
        if (cacheable) {
            int[] hit = cache.get(word);
            if (hit != null) {
                return hit;
            }
        }
        int[] result = mergeWord(word);
        if (cacheable && cache.size() < CACHE_CAPACITY) {
            cache.put(word, result);
        }
        return result;
    }

    /**
     * SentencePiece-style tokenizers (Llama-2, Gemma) have no pre-tokenizer, so a whole paragraph
     * is one BPE word: slow (one big heap) and never cached. But BPE on a word is the same as BPE
     * on its parts when no merge can join across the cut, i.e. when no vocabulary token contains
     * the two chars on either side of it. Cutting before every {@code ▁} whose predecessor is
     * neither {@code ▁} nor a char some token has before a {@code ▁} (computed at load) is
     * therefore exact, and turns the paragraph into cacheable words.
     */
    private int[] tokenizeChunks(String word) {
        IntList out = new IntList(word.length());
        int from = 0;
        for (int i = 1; i <= word.length(); i++) {
            boolean cut = i == word.length();
            if (!cut && word.charAt(i) == METASPACE) {
                char before = word.charAt(i - 1);
                cut = before != METASPACE && !joinsMetaspace.contains(before);
            }
            if (cut) {
                String chunk = word.substring(from, i);
                int[] t = cached(chunk);
                for (int k = 0; k < t.length; k += 3) {
                    out.add(t[k]);
                    out.add(t[k + 1] + from);
                    out.add(t[k + 2] + from);
                }
                from = i;
            }
        }
        return out.toArray();
    }

    private int[] mergeWord(String w) {
        // At most one symbol per UTF-16 char, or three byte tokens per char with byte fallback
        // (a BMP char is at most 3 UTF-8 bytes; a surrogate pair, 2 chars, is 4 bytes).
        int cap = byteFallback ? 3 * w.length() : w.length();
        int[] ids = new int[cap];
        int[] starts = new int[cap];
        int[] ends = new int[cap];
        int n = 0;
        int unk = -1;
        int unkStart = 0;
        int unkEnd = 0;
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            int len = Character.charCount(cp);
            boolean first = i == 0;
            boolean last = i + len == w.length();
            int id = symbolId(w, i, len, first, last);
            if (id >= 0) {
                if (unk >= 0) {
                    ids[n] = unk; starts[n] = unkStart; ends[n] = unkEnd; n++;
                    unk = -1;
                }
                ids[n] = id; starts[n] = i; ends[n] = i + len; n++;
            } else {
                byte[] bytes = byteFallback ? fallbackBytes(symbolString(w, i, len, first, last)) : null;
                if (bytes != null) {
                    // HF adds the byte tokens without flushing a pending unk (merge_word's `continue`).
                    for (byte b : bytes) {
                        if (n == ids.length) {
                            ids = java.util.Arrays.copyOf(ids, n * 2);
                            starts = java.util.Arrays.copyOf(starts, n * 2);
                            ends = java.util.Arrays.copyOf(ends, n * 2);
                        }
                        ids[n] = byteIds[b & 0xFF]; starts[n] = i; ends[n] = i + len; n++;
                    }
                } else if (unkId >= 0) {
                    if (unk >= 0 && fuseUnk) {
                        unkEnd = i + len;
                    } else {
                        if (unk >= 0) {
                            ids[n] = unk; starts[n] = unkStart; ends[n] = unkEnd; n++;
                        }
                        unk = unkId;
                        unkStart = i;
                        unkEnd = i + len;
                    }
                }
            }
            i += len;
        }
        if (unk >= 0) {
            ids[n] = unk; starts[n] = unkStart; ends[n] = unkEnd; n++;
        }
        return mergeAll(ids, starts, ends, n);
    }

    /** The UTF-8 bytes of {@code symbol} when every one has a {@code <0xXX>} token, else null. */
    private byte[] fallbackBytes(String symbol) {
        byte[] bytes = symbol.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!allByteIds) {
            for (byte b : bytes) {
                if (byteIds[b & 0xFF] < 0) {
                    return null;
                }
            }
        }
        return bytes;
    }

    private int symbolId(String w, int i, int len, boolean first, boolean last) {
        if (prefix == null && suffix == null) {
            if (len == 1) {
                return charIds[w.charAt(i)];
            }
            return vocab.get(w.substring(i, i + len));
        }
        return vocab.get(symbolString(w, i, len, first, last));
    }

    private String symbolString(String w, int i, int len, boolean first, boolean last) {
        String s = w.substring(i, i + len);
        if (!first && prefix != null) {
            s = prefix + s;
        }
        if (last && suffix != null) {
            s = s + suffix;
        }
        return s;
    }

    /** HF {@code Word::merge_all} without dropout. */
    private int[] mergeAll(int[] ids, int[] starts, int[] ends, int n) {
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(ids[i], ids[i + 1]);
            if (m != MergeTable.NONE) {
                heap.push((m & 0xFFFFFFFF00000000L) | i);
            }
        }
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (dead[pos]) {
                continue;
            }
            int right = next[pos];
            if (right < 0) {
                continue;
            }
            long m = merges.get(ids[pos], ids[right]);
            if (m == MergeTable.NONE || (int) (m >>> 32) != rank) {
                continue; // stale entry: a neighbour changed since it was queued
            }
            ids[pos] = (int) m;
            ends[pos] = ends[right];
            dead[right] = true;
            alive--;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            int before = prev[pos];
            if (before >= 0) {
                long mp = merges.get(ids[before], ids[pos]);
                if (mp != MergeTable.NONE) {
                    heap.push((mp & 0xFFFFFFFF00000000L) | before);
                }
            }
            if (after >= 0) {
                long mn = merges.get(ids[pos], ids[after]);
                if (mn != MergeTable.NONE) {
                    heap.push((mn & 0xFFFFFFFF00000000L) | pos);
                }
            }
        }
        int[] out = new int[alive * 3];
        int k = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            out[k++] = ids[i];
            out[k++] = starts[i];
            out[k++] = ends[i];
        }
        return out;
    }
}
