package greater.transformer.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The added tokens and how they cut input text, following HF's {@code AddedVocabulary}.
 *
 * <p>Tokens with {@code normalized=false} (all special tokens in practice) are found in the raw
 * input first; the text between them is normalized, and tokens with {@code normalized=true} are
 * then found in that normalized text (matching their own normalized form). Matching is
 * leftmost-longest. A match is then checked and widened like HF's {@code find_matches}:
 * {@code single_word} rejects a match touching a word char (Unicode {@code \w}) on either side,
 * {@code lstrip}/{@code rstrip} extend it over adjacent Unicode whitespace (never into the
 * previous match). With special-token parsing off (HF's {@code encode_special_tokens},
 * transformers' {@code split_special_tokens}) special tokens are passed over and stay plain text;
 * non-special added tokens still match.
 */
final class AddedVocabulary {
    /** Receives the pieces of a split, in order; {@code id} is -1 for text that is not an added token. */
    interface Sink {
        void piece(int start, int end, int id);
    }

    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Map<String, Integer> byContent = new HashMap<>();
    private final Set<Integer> specialIds = new HashSet<>();
    private final Set<String> specialContents = new HashSet<>();
    /** What decode() shows for a normalized token whose normalized form differs (HF simple_id_to_token). */
    private final Map<Integer, String> decodeForm = new HashMap<>();
    private final List<AddedToken> rawTokens = new ArrayList<>();
    private final List<AddedToken> normalizedTokens = new ArrayList<>();
    private final TokenTrie rawTrie;
    private final TokenTrie normalizedTrie;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        List<String> rawPatterns = new ArrayList<>();
        List<String> normalizedPatterns = new ArrayList<>();
        for (AddedToken t : tokens) {
            if (t.content().isEmpty()) {
                continue;
            }
            AddedToken replaced = byId.put(t.id(), t);
            byContent.put(t.content(), t.id());
            if (t.special()) {
                specialIds.add(t.id());
                specialContents.add(t.content());
            }
            if (replaced != null) {
                // HF: a repeated content with other properties replaces the token under the same id
                int at = replaced.normalized() ? normalizedTokens.indexOf(replaced) : rawTokens.indexOf(replaced);
                (replaced.normalized() ? normalizedPatterns : rawPatterns).remove(at);
                (replaced.normalized() ? normalizedTokens : rawTokens).remove(at);
            }
            if (t.normalized()) {
                String form = t.content();
                if (normalizer != null) {
                    form = normalizer.normalize(NormalizedText.of(form, 0, form.length())).text();
                    if (!form.equals(t.content())) {
                        decodeForm.put(t.id(), form);
                    }
                }
                normalizedTokens.add(t);
                normalizedPatterns.add(form);
            } else {
                rawTokens.add(t);
                rawPatterns.add(t.content());
            }
        }
        rawTrie = new TokenTrie(rawPatterns);
        normalizedTrie = new TokenTrie(normalizedPatterns);
    }

    AddedToken get(int id) {
        return byId.get(id);
    }

    Integer idOf(String content) {
        return byContent.get(content);
    }

    boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    /**
     * Whether decode(ids, skipSpecialTokens=true) drops a token that decodes from {@code text}.
     * HF tests the token string, so a special token with {@code normalized=true} whose normalized
     * form differs is not dropped (its string is the normalized form).
     */
    boolean isSpecialText(String text) {
        return specialContents.contains(text);
    }

    Map<Integer, AddedToken> all() {
        return byId;
    }

    /** The string HF's decoder sees for an added token. */
    String decodeText(int id) {
        String form = decodeForm.get(id);
        return form != null ? form : byId.get(id).content();
    }

    boolean hasNormalizedTokens() {
        return !normalizedTrie.isEmpty();
    }

    /** Cuts the raw input by the {@code normalized=false} tokens. */
    void splitRaw(String text, boolean parseSpecial, Sink sink) {
        split(text, rawTrie, rawTokens, parseSpecial, sink);
    }

    /** Cuts a normalized piece by the {@code normalized=true} tokens. */
    void splitNormalized(String text, boolean parseSpecial, Sink sink) {
        split(text, normalizedTrie, normalizedTokens, parseSpecial, sink);
    }

    private void split(String s, TokenTrie trie, List<AddedToken> tokens, boolean parseSpecial, Sink sink) {
        int done = 0; // HF's start_offset: end of the last emitted piece
        int searchFrom = 0;
        int[] m = new int[3];
        int len = s.length();
        while (trie.find(s, searchFrom, len, m)) {
            int start = m[0];
            int stop = m[1];
            AddedToken t = tokens.get(m[2]);
            searchFrom = stop;
            if (!parseSpecial && t.special()) {
                continue;
            }
            if (t.singleWord()) {
                boolean startSpace = start == 0 || !isWordChar(s.codePointBefore(start));
                boolean stopSpace = stop == len || !isWordChar(s.codePointAt(stop));
                if (!startSpace || !stopSpace) {
                    continue;
                }
            }
            if (t.lstrip()) {
                int newStart = start;
                while (newStart > 0 && UnicodeWhitespace.is(s.codePointBefore(newStart))) {
                    newStart -= Character.charCount(s.codePointBefore(newStart));
                }
                start = Math.max(newStart, done);
            }
            if (t.rstrip()) {
                while (stop < len && UnicodeWhitespace.is(s.codePointAt(stop))) {
                    stop += Character.charCount(s.codePointAt(stop));
                }
            }
            if (done < start) {
                sink.piece(done, start, -1);
            }
            sink.piece(start, stop, t.id());
            done = stop;
            searchFrom = Math.max(searchFrom, stop);
        }
        if (done != len || len == 0) {
            sink.piece(done, len, -1);
        }
    }

    /** Rust regex's Unicode {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
    private static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.CONNECTOR_PUNCTUATION || cp == 0x200C || cp == 0x200D;
    }
}
