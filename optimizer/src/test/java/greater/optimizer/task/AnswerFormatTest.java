package greater.optimizer.task;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static greater.optimizer.task.AnswerFormat.INTEGER;
import static greater.optimizer.task.AnswerFormat.MULTIPLE_CHOICE;
import static greater.optimizer.task.AnswerFormat.TEXT;
import static greater.optimizer.task.AnswerFormat.TRUE_FALSE;
import static greater.optimizer.task.AnswerFormat.VALID_INVALID;
import static greater.optimizer.task.AnswerFormat.YES_NO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Answers as a model writes them right after the extractor ("... is $"). */
class AnswerFormatTest {
    // ---- multiple choice ---------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "B$.|B", "(B)|B", "' B) because the date is 12/25'|B", "B|B", "$B$|B", "'(C)$ since'|C", "'K$'|K",
            "'A. 12/11/1937'|A", "'\n(D)'|D"})
    void multipleChoiceExtractsTheLetter(String generated, String letter) {
        assertEquals(letter, MULTIPLE_CHOICE.extract(generated));
        assertTrue(MULTIPLE_CHOICE.matches(generated, letter));
        assertTrue(MULTIPLE_CHOICE.matches(generated, "(" + letter + ")"), "gold written (X)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {"Because|''", "''|''", "'   '|''", "AB$|''", "12/25/1937|''", "b$|''"})
    void multipleChoiceWithoutALetterExtractsNothing(String generated, String expected) {
        assertEquals(expected, MULTIPLE_CHOICE.extract(generated));
        assertFalse(MULTIPLE_CHOICE.matches(generated, "B"));
    }

    @Test
    void multipleChoiceWrongLetterDoesNotMatch() {
        assertFalse(MULTIPLE_CHOICE.matches("C$", "B"));
        assertFalse(MULTIPLE_CHOICE.matches("(A) or (B)", "B"));
    }

    /** BBH ruin_names/movie_recommendation have a few golds that are option text, not a letter: compared as text. */
    @Test
    void multipleChoiceNonLetterGoldIsComparedAsText() {
        assertTrue(MULTIPLE_CHOICE.matches("Monsters, Inc$", "Monsters, Inc"));
        assertTrue(MULTIPLE_CHOICE.matches(" dearth, wind, & fire$ is funny", "dearth, wind, & fire"));
        assertFalse(MULTIPLE_CHOICE.matches("M$", "Monsters, Inc"));
        assertFalse(MULTIPLE_CHOICE.matches("A$", "Monsters, Inc"));
        assertFalse(MULTIPLE_CHOICE.matches("Monsters$", "Monsters, Inc"));
        assertFalse(MULTIPLE_CHOICE.matches("", "Monsters, Inc"));
    }

    // ---- yes / no, valid / invalid, true / false ----------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {"' Yes$'|Yes|yes", "no.|No|no", "YES|yes|yes", "'$ No$ the'|No|no"})
    void yesNo(String generated, String gold, String extracted) {
        assertEquals(extracted, YES_NO.extract(generated));
        assertTrue(YES_NO.matches(generated, gold));
    }

    @Test
    void yesNoRejectsOtherWords() {
        assertFalse(YES_NO.matches(" Yes$", "No"));
        assertFalse(YES_NO.matches("no", "Yes"));
        assertFalse(YES_NO.matches("Nope", "No"));
        assertFalse(YES_NO.matches("yesterday", "yes"));
        assertFalse(YES_NO.matches("Maybe, yes", "Yes"));
        assertEquals("", YES_NO.extract("Not sure"));
    }

    @Test
    void validAndInvalidAreNeverConfused() {
        assertEquals("valid", VALID_INVALID.extract(" valid$"));
        assertEquals("invalid", VALID_INVALID.extract(" invalid$"));
        assertEquals("invalid", VALID_INVALID.extract("Invalid."));
        assertTrue(VALID_INVALID.matches(" valid$", "valid"));
        assertTrue(VALID_INVALID.matches(" invalid$", "invalid"));
        assertFalse(VALID_INVALID.matches(" invalid$", "valid"), "invalid must not match valid");
        assertFalse(VALID_INVALID.matches(" valid$", "invalid"), "valid must not match invalid");
        assertFalse(VALID_INVALID.matches("invalidated", "invalid"));
        assertFalse(VALID_INVALID.matches("validity", "valid"));
    }

    @Test
    void trueFalse() {
        assertTrue(TRUE_FALSE.matches("True", "True"));
        assertTrue(TRUE_FALSE.matches("false", "False"));
        assertTrue(TRUE_FALSE.matches(" False$.", "False"));
        assertFalse(TRUE_FALSE.matches("True$", "False"));
        assertFalse(TRUE_FALSE.matches("false", "True"));
        assertFalse(TRUE_FALSE.matches("Truely", "True"));
    }

    // ---- integers ----------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "-12$|-12", "'1,024$'|1024", "12.0|12", "the answer is 7|7", "' 42$.'|42", "$-3$|-3", "'850,000.00$'|850000",
            "007|7", "'7, which'|7", "7.|7", "'the well-known total is 21'|21"})
    void integerExtraction(String generated, String value) {
        assertEquals(value, INTEGER.extract(generated));
        assertTrue(INTEGER.matches(generated, value));
    }

    @Test
    void integerComparesByValue() {
        assertTrue(INTEGER.matches("1,024$", "1024"));
        assertTrue(INTEGER.matches("1024", "1,024"));
        assertTrue(INTEGER.matches("-3.0", "-3"));
        assertFalse(INTEGER.matches("-12$", "12"));
        assertFalse(INTEGER.matches("12$", "-12"));
        assertFalse(INTEGER.matches("13", "12"));
        assertFalse(INTEGER.matches("no idea", "0"));
        assertFalse(INTEGER.matches("", "0"));
    }

    @Test
    void fractionsAreNotTheirIntegerPart() {
        assertFalse(INTEGER.matches("12.5$", "12"), "12.5 is not 12");
        assertFalse(INTEGER.matches("3.14", "3"));
        assertFalse(INTEGER.matches("-0.5$", "0"));
        assertTrue(INTEGER.matches("12.00$", "12"));
    }

    // ---- free text ---------------------------------------------------------------------------

    @Test
    void textRunsUpToDollarOrEndOfLine() {
        assertEquals("] ) }", TEXT.extract(" ] ) }$ because"));
        assertEquals("apple banana cherry", TEXT.extract("apple   banana cherry$"));
        assertEquals("first line", TEXT.extract("first line\nsecond"));
        assertTrue(TEXT.matches(" ] ]$", "] ]"));
        assertTrue(TEXT.matches("barn damp it&t$", "barn damp it&t"));
        assertFalse(TEXT.matches("]]$", "] ]"));
        assertFalse(TEXT.matches("$", "] ]"));
        assertFalse(TEXT.matches("", "x"));
    }
}
