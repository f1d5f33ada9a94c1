package greater.transformer.infer;

import greater.transformer.tokenizer.SharedTokenizers;
import greater.transformer.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a stop text cuts the output: at the last token boundary before the match, whitespace tokens dropped. */
class StopStringsTest {
    private static final String STEM = "Therefore, the final answer";
    // id -> text; 0-15 as a byte-level tokenizer splits "= 5. Therefore, the final answer is $5$"
    private static final String[] TEXT = {"=", " 5", ".", " There", "fore", ",", " the", " final", " answer", " is",
            " $", "5", "$", "\n", "Therefore", ".Th", "erefore"};
    private static final Function<int[], String> DECODE = ids -> {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(TEXT[id]);
        return sb.toString();
    };
    private final StopStrings stop = new StopStrings(List.of(STEM), DECODE);

    @Test
    void cutsBeforeTheTokenThatStartsTheMatchOnceTheMatchIsComplete() {
        int[] tokens = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        for (int n = 0; n < 9; n++) assertEquals(-1, stop.cut(tokens, n), "not yet complete at " + n);
        // " There" "fore" ... " answer": the match starts inside " There"; its leading space goes too
        assertEquals(3, stop.cut(tokens, 9));
        assertEquals(3, stop.cut(tokens, 13));
    }

    @Test
    void dropsWhitespaceTokensBeforeTheMatchAndCutsBeforeAStraddlingToken() {
        assertEquals(3, stop.cut(new int[]{0, 1, 2, 13, 14, 5, 6, 7, 8}, 9), "\"\\n\" before the match is dropped");
        assertEquals(2, stop.cut(new int[]{0, 1, 15, 16, 5, 6, 7, 8}, 8), "\".Th\" holds the match's start: cut before it");
        assertEquals(0, stop.cut(new int[]{14, 5, 6, 7, 8}, 5), "a match at the start keeps nothing");
    }

    /**
     * Real vocabularies (byte-level Llama-3 and Qwen3, SentencePiece Llama-2 and Gemma-3): fed token
     * by token, a reasoning stops once the stem is complete, and what is kept is the text before
     * the stem up to whitespace — exactly the text before " Therefore" when a space precedes it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama3", "llama2", "qwen3", "gemma3"})
    void realTokenizersCutAtTheTokenBoundaryBeforeTheStem(String name) {
        Tokenizer tok = SharedTokenizers.load(name);
        StopStrings stem = new StopStrings(List.of(STEM), ids -> tok.decode(ids, true));
        String[] texts = {"Step by step: 9 + -4 = 5. Therefore, the final answer is $5$",
                "The date is 01/02/2019.\n\nTherefore, the final answer (use exact format: '$A') is $A",
                "so the answer is (B).Therefore, the final answer is $B$",
                "Therefore, the final answer is $7$"};
        for (String text : texts) {
            int[] ids = tok.encode(text, false, false).ids();
            int stopped = -1, n = 0;
            while (stopped < 0 && n < ids.length) stopped = stem.cut(ids, ++n);
            int match = text.indexOf(STEM);
            assertTrue(stopped >= 0, name + ": no stop in " + text);
            assertTrue(tok.decode(Arrays.copyOf(ids, n), true).contains(STEM) && !tok.decode(Arrays.copyOf(ids, n - 1), true).contains(STEM),
                    name + ": stops at the token that completes the stem");
            String kept = tok.decode(Arrays.copyOf(ids, stopped), true);
            assertTrue(text.startsWith(kept) && kept.length() <= match && text.substring(kept.length(), match).isBlank(),
                    name + ": kept '" + kept + "' of '" + text + "'");
            if (text.startsWith(" Therefore", match - 1)) assertEquals(text.substring(0, match - 1), kept, name);
        }
    }

    @Test
    void noTextsNeverStopAndEmptyTextsAreRefused() {
        assertEquals(-1, StopStrings.NONE.cut(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8}, 9));
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of(""), DECODE));
    }
}
