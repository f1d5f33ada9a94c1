package greater.transformer.infer;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Texts that end generation <em>before</em> them: as soon as the decoded text of the generated
 * tokens contains one of {@code texts}, generation stops and the output is cut at the last token
 * boundary before the match, with trailing whitespace-only tokens dropped too. transformers'
 * {@code stop_strings} (GenerationConfig, StopStringCriteria) stop <em>after</em> the string and
 * keep it; here the caller appends its own continuation (GReaTer's extractor and answer) in place
 * of the text the model was about to write, so the string and the whitespace before it are left out.
 * <p>The match is searched in decoded text, so a text split over several tokens (" There" "fore")
 * or merged with its leading space (" Therefore") is found all the same; the cut is the largest
 * k such that the decoding of tokens [0, k) ends at or before the match's first character. Each
 * new token costs one decoding of a window of the last {@code longest text + 1} tokens (every
 * token decodes to at least one character); the cut itself decodes prefixes once, at the stop.
 *
 * @param texts  the stop texts (none: never stops on text)
 * @param decode the decoded text of token ids (special tokens left out)
 */
public record StopStrings(List<String> texts, Function<int[], String> decode) {
    /** No stop texts. */
    public static final StopStrings NONE = new StopStrings(List.of(), ids -> "");

    public StopStrings {
        texts = List.copyOf(texts);
        for (String t : texts) if (t.isEmpty()) throw new IllegalArgumentException("an empty stop text would stop at once");
        if (decode == null) throw new IllegalArgumentException("stop texts need a decoder");
    }

    /**
     * Where generation stops, checked after each new token: −1 while none of the texts occurs in
     * the decoding of {@code tokens[0, n)}; else the number of tokens to keep (see the class doc).
     */
    public int cut(int[] tokens, int n) {
        if (texts.isEmpty() || n == 0) return -1;
        int window = 1;
        for (String t : texts) window = Math.max(window, t.length() + 1);
        String tail = decode.apply(Arrays.copyOfRange(tokens, Math.max(0, n - window), n));
        if (texts.stream().noneMatch(tail::contains)) return -1;
        String text = decode.apply(Arrays.copyOf(tokens, n));
        int at = Integer.MAX_VALUE;
        for (String t : texts) {
            int i = text.indexOf(t);
            if (i >= 0) at = Math.min(at, i);
        }
        if (at == Integer.MAX_VALUE) return -1;   // only a windowed decoding (a split UTF-8 character) showed it
        int k = n;
        while (k > 0 && decode.apply(Arrays.copyOf(tokens, k)).length() > at) k--;
        while (k > 0 && decode.apply(new int[]{tokens[k - 1]}).isBlank()) k--;
        return k;
    }
}
