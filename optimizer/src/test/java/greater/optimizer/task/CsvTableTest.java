package greater.optimizer.task;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvTableTest {
    private static List<List<String>> parse(String text) {
        return CsvTable.parse(text, "t.csv");
    }

    @Test
    void plainRowsWithAndWithoutTrailingNewline() {
        List<List<String>> expected = List.of(List.of("goal", "target"), List.of("q1", "a1"), List.of("q2", "a2"));
        assertEquals(expected, parse("goal,target\nq1,a1\nq2,a2\n"));
        assertEquals(expected, parse("goal,target\nq1,a1\nq2,a2"));
    }

    @Test
    void quotedFieldsKeepCommas() {
        assertEquals(List.of(List.of("a, b", "c"), List.of("x", "y, z, w")), parse("\"a, b\",c\nx,\"y, z, w\"\n"));
    }

    @Test
    void doubledQuotesBecomeOneQuote() {
        assertEquals(List.of(List.of("say \"hi\"", "\"")), parse("\"say \"\"hi\"\"\",\"\"\"\"\n"));
    }

    @Test
    void embeddedNewlinesAsInBbhQuestions() {
        String csv = "goal,target,final_target\n"
                + "\"Today is Christmas Eve of 1937. What is the date tomorrow?\nOptions:\n(A) 12/11/1937\n(B) 12/25/1937\",(B),(B)\n"
                + "\"second\n\nwith a blank line\",(A),(A)\n";
        List<List<String>> rows = parse(csv);
        assertEquals(3, rows.size());
        assertEquals("Today is Christmas Eve of 1937. What is the date tomorrow?\nOptions:\n(A) 12/11/1937\n(B) 12/25/1937", rows.get(1).get(0));
        assertEquals(List.of("second\n\nwith a blank line", "(A)", "(A)"), rows.get(2));
    }

    @Test
    void crlfLineEndingsAreStrippedEverywhere() {
        String csv = "goal,target\r\n\"line one\r\nline two\",(B)\r\nq2,\"a, b\"\r\n";
        List<List<String>> rows = parse(csv);
        assertEquals(List.of(List.of("goal", "target"), List.of("line one\nline two", "(B)"), List.of("q2", "a, b")), rows);
    }

    @Test
    void crlfWithoutTrailingNewline() {
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), parse("a,b\r\nc,d"));
    }

    @Test
    void emptyFieldsAreKept() {
        assertEquals(List.of(List.of("a", "", "c"), List.of("", "", ""), List.of("x", ""), List.of("", "y")),
                parse("a,,c\n,,\nx,\"\"\n,y\n"));
    }

    @Test
    void blankLinesBetweenRecordsAreSkipped() {
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), parse("a,b\n\nc,d\n\n"));
    }

    @Test
    void emptyTextHasNoRows() {
        assertEquals(List.of(), parse(""));
        assertEquals(List.of(), parse("\n\r\n"));
    }

    @Test
    void unterminatedQuoteNamesFileAndLineWhereItOpened() {
        var e = assertThrows(TaskFormatException.class, () -> CsvTable.parse("goal,target\nq,a\n\"open\nstill open\n,x\n", "data/bad.csv"));
        assertTrue(e.getMessage().contains("data/bad.csv:3"), e.getMessage());
        assertTrue(e.getMessage().contains("never closed"), e.getMessage());
    }

    @Test
    void unterminatedQuoteAfterMultiLineRecordCountsPhysicalLines() {
        String csv = "goal,target\n\"a\nb\nc\",x\nq,\"oops\n";
        var e = assertThrows(TaskFormatException.class, () -> CsvTable.parse(csv, "f.csv"));
        assertTrue(e.getMessage().startsWith("f.csv:5:"), e.getMessage());
    }

    @Test
    void strayQuoteInsideUnquotedFieldNamesFileAndLine() {
        var e = assertThrows(TaskFormatException.class, () -> CsvTable.parse("goal,target\r\n\"x\ny\",z\r\nab\"c,d\r\n", "s.csv"));
        assertTrue(e.getMessage().startsWith("s.csv:4:"), e.getMessage());
        assertTrue(e.getMessage().contains("stray quote"), e.getMessage());
    }

    @Test
    void textAfterClosingQuoteThenAnotherQuoteIsStray() {
        assertThrows(TaskFormatException.class, () -> parse("\"a\"b\"\n"));
    }
}
