package greater.optimizer.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static Path resource(String name) throws URISyntaxException {
        var url = DatasetsTest.class.getResource("/task/" + name);
        if (url == null) throw new AssertionError("missing test resource task/" + name);
        return Path.of(url.toURI());
    }

    private static TaskFormatException fails(Path file) {
        return assertThrows(TaskFormatException.class, () -> Datasets.read(file));
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    // ---- CSV -------------------------------------------------------------------------------

    @Test
    void csvPrefersFinalTargetAndReducesChoiceLetters() throws IOException {
        Path f = write("t.csv", "goal,target,final_target\n\"Q1?\nOptions:\n(A) a\n(B) b\",(B),(B)\n  Q2  ,long target,short\n");
        assertEquals(List.of(new Example("Q1?\nOptions:\n(A) a\n(B) b", "B"), new Example("Q2", "short")), Datasets.read(f));
    }

    @Test
    void csvFallsBackToTargetAndToleratesHeaderSpacesAndColumnOrder() throws IOException {
        Path f = write("t.csv", "id, target ,goal\r\n1,(C),first\r\n2,Yes,second");
        assertEquals(List.of(new Example("first", "C"), new Example("second", "Yes")), Datasets.readCsv(f));
    }

    @Test
    void csvWithCrlfKeepsMultiLineQuestionsWithPlainNewlines() throws IOException {
        Path f = write("t.csv", "goal,target,final_target\r\n\"Q?\r\nOptions:\r\n(A) x\",(A),(A)\r\n");
        assertEquals(List.of(new Example("Q?\nOptions:\n(A) x", "A")), Datasets.read(f));
    }

    @Test
    void csvWithUtf8ByteOrderMarkReadsHeader() throws IOException {
        Path f = write("bom.csv", "\uFEFFgoal,target,final_target\nq,(A),(A)\n");
        assertEquals(List.of(new Example("q", "A")), Datasets.read(f));
    }

    @Test
    void choiceLettersOnlyReducedWhenTheWholeAnswerIsOneParenthesizedLetter() throws IOException {
        Path f = write("t.csv", "goal,final_target\na,(B)\nb, (C) \nc,(AB)\nd,(b)\ne,(B) because\n");
        assertEquals(List.of("B", "C", "(AB)", "(b)", "(B) because"), Datasets.read(f).stream().map(Example::answer).toList());
    }

    @Test
    void csvMissingColumnsNamesFileAndListsHeader() throws IOException {
        Path f = write("cols.csv", "question,answer\nq,a\n");
        var e = fails(f);
        assertMentions(e, f.toString(), "goal", "[question, answer]");
    }

    @Test
    void csvRecordWithWrongFieldCountNamesFileAndRecord() throws IOException {
        Path f = write("count.csv", "goal,target,final_target\nq1,(A),(A)\nq2,(B)\n");
        var e = fails(f);
        assertMentions(e, f.toString(), "record 2", "2 fields", "header has 3");
    }

    @Test
    void csvRecordWithExtraFieldIsRejected() throws IOException {
        Path f = write("extra.csv", "goal,target\nq1,a,oops\n");
        assertMentions(fails(f), f.toString(), "record 1", "3 fields");
    }

    @Test
    void csvUnterminatedQuoteNamesFileAndLine() throws IOException {
        Path f = write("open.csv", "goal,target\nq1,a\n\"q2\nmore,b\n");
        assertMentions(fails(f), f + ":3", "never closed");
    }

    @Test
    void csvEmptyAnswerOrQuestionIsRejected() throws IOException {
        assertMentions(fails(write("a.csv", "goal,target\nq1,\n")), "a.csv", "record 1", "empty answer");
        assertMentions(fails(write("q.csv", "goal,target\n  ,x\n")), "q.csv", "record 1", "empty question");
    }

    @Test
    void emptyAndHeaderOnlyCsvAreRejected() throws IOException {
        Path empty = write("empty.csv", "");
        assertMentions(fails(empty), empty.toString(), "empty");
        Path header = write("header.csv", "goal,target,final_target\n");
        assertMentions(fails(header), header.toString(), "no examples");
    }

    // ---- BBH JSON ----------------------------------------------------------------------------

    @Test
    void bbhJsonLayout() throws URISyntaxException {
        List<Example> ex = Datasets.read(resource("bbh_sample.json"));
        assertEquals(3, ex.size());
        assertEquals("Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 12/11/1937\n(B) 12/25/1937",
                ex.get(0).question());
        assertEquals(List.of("B", "False", "3"), ex.stream().map(Example::answer).toList());
    }

    @Test
    void bbhJsonWithoutExamplesArrayIsRejected() throws IOException {
        Path f = write("x.json", "{\"data\": []}");
        assertMentions(fails(f), f.toString(), "examples");
        Path g = write("y.json", "{\"examples\": {\"input\": \"q\", \"target\": \"a\"}}");
        assertMentions(fails(g), g.toString(), "examples");
    }

    @Test
    void bbhJsonExampleLackingTargetNamesTheExample() throws IOException {
        Path f = write("x.json", "{\"examples\": [{\"input\": \"q\", \"target\": \"a\"}, {\"input\": \"q2\"}]}");
        assertMentions(fails(f), f.toString(), "example 1", "'target'");
    }

    @Test
    void bbhJsonMalformedOrEmpty() throws IOException {
        Path bad = write("bad.json", "{\"examples\": [");
        assertMentions(fails(bad), bad.toString(), "not valid JSON");
        Path empty = write("empty.json", "");
        assertMentions(fails(empty), empty.toString());
        Path none = write("none.json", "{\"examples\": []}");
        assertMentions(fails(none), none.toString(), "no examples");
    }

    // ---- JSONL -------------------------------------------------------------------------------

    @Test
    void gsm8kJsonlTakesTheNumberAfterHashesWithoutCommas() throws URISyntaxException {
        List<Example> ex = Datasets.read(resource("gsm8k_sample.jsonl"));
        assertEquals(List.of("13", "2250", "-7"), ex.stream().map(Example::answer).toList());
        assertEquals("A town has 1,250 people and 1,000 more arrive. How many now?", ex.get(1).question());
    }

    @Test
    void jsonlWithCustomFieldNames() throws URISyntaxException {
        List<Example> ex = Datasets.readJsonl(resource("custom_fields.jsonl"), "prompt", "completion");
        assertEquals(List.of(new Example("What is 2 + 2?", "4"), new Example("Is the sky green?", "No"),
                new Example("Pick one.\nOptions:\n(A) x\n(B) y", "A"), new Example("Worked", "1000"),
                new Example("Numeric answer field", "42")), ex);
    }

    @Test
    void jsonlLackingFieldNamesFileLineAndField() throws URISyntaxException {
        var e = assertThrows(TaskFormatException.class, () -> Datasets.readJsonl(resource("custom_fields.jsonl"), "question", "completion"));
        assertMentions(e, "custom_fields.jsonl", "line 1", "'question'");
    }

    @Test
    void jsonlNonJsonLineNamesFileAndLine() throws IOException {
        Path f = write("d.jsonl", "{\"question\": \"q\", \"answer\": \"1\"}\n\nthis is not json\n");
        assertMentions(fails(f), f.toString(), "line 3", "not valid JSON");
    }

    @Test
    void jsonlLineThatIsNotAnObjectNamesFileAndLine() throws IOException {
        Path f = write("d.jsonl", "{\"question\": \"q\", \"answer\": \"1\"}\n[1, 2]\n");
        assertMentions(fails(f), f.toString(), "line 2", "not a JSON object");
    }

    @Test
    void jsonlTwoObjectsOnOneLineAreNotSilentlyTruncated() throws IOException {
        Path f = write("d.jsonl", "{\"question\": \"q1\", \"answer\": \"1\"} {\"question\": \"q2\", \"answer\": \"2\"}\n");
        assertMentions(fails(f), f.toString(), "line 1");
    }

    @Test
    void jsonlWithCrlfLines() throws IOException {
        Path f = write("d.jsonl", "{\"question\": \"q1\", \"answer\": \"#### 5\"}\r\n{\"question\": \"q2\", \"answer\": \"x\\n#### 6\"}\r\n");
        assertEquals(List.of(new Example("q1", "5"), new Example("q2", "6")), Datasets.read(f));
    }

    @Test
    void jsonlHashesWithoutValueIsRejected() throws IOException {
        Path f = write("d.jsonl", "{\"question\": \"q\", \"answer\": \"work\\n####\"}\n");
        assertMentions(fails(f), f.toString());
    }

    @Test
    void jsonlWithUtf8ByteOrderMark() throws IOException {
        Path f = write("bom.jsonl", "\uFEFF{\"question\": \"q\", \"answer\": \"#### 3\"}\n");
        assertEquals(List.of(new Example("q", "3")), Datasets.read(f));
    }

    @Test
    void bbhJsonWithTextAfterTheObjectIsRejected() throws IOException {
        Path f = write("t.json", "{\"examples\": [{\"input\": \"q\", \"target\": \"a\"}]} {\"examples\": []}");
        assertMentions(fails(f), f.toString(), "not valid JSON");
    }

    @Test
    void emptyJsonlIsRejected() throws IOException {
        Path f = write("e.jsonl", "\n  \n");
        assertMentions(fails(f), f.toString(), "no examples");
    }

    // ---- files -------------------------------------------------------------------------------

    @Test
    void missingFileNamesTheFile() {
        Path f = dir.resolve("nowhere.csv");
        assertMentions(fails(f), f.toString(), "no such file");
    }

    @Test
    void unknownExtensionIsRejected() throws IOException {
        Path f = write("data.txt", "goal,target\nq,a\n");
        assertMentions(fails(f), f.toString(), ".csv");
        Path g = write("data.tsv", "goal\ttarget\nq\ta\n");
        assertMentions(fails(g), g.toString());
    }

    @Test
    void extensionMatchIsCaseInsensitive() throws IOException {
        Path f = write("UPPER.CSV", "goal,target\nq,a\n");
        assertEquals(List.of(new Example("q", "a")), Datasets.read(f));
    }

    @Test
    void nonUtf8FileIsRejected() throws IOException {
        Path f = Files.write(dir.resolve("latin1.csv"), new byte[]{'g', 'o', 'a', 'l', ',', 't', 'a', 'r', 'g', 'e', 't', '\n', 'q', (byte) 0xE9, ',', 'a', '\n'});
        assertMentions(fails(f), f.toString(), "UTF-8");
    }
}
