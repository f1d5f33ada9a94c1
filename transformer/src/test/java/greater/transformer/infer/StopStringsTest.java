package greater.transformer.infer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void noTextsNeverStopAndEmptyTextsAreRefused() {
        assertEquals(-1, StopStrings.NONE.cut(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8}, 9));
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of(""), DECODE));
    }
}
