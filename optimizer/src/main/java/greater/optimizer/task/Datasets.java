package greater.optimizer.task;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads task examples from the layouts GReaTer's data comes in:
 * <ul>
 *   <li>CSV with {@code goal,target,final_target} (the BBH and FOLIO files of the official code);</li>
 *   <li>BBH's own JSON, {@code {"examples": [{"input": ..., "target": ...}]}};</li>
 *   <li>GSM8K JSONL, {@code question} and a worked {@code answer} ending in {@code #### N};</li>
 *   <li>generic JSONL with named question and answer fields.</li>
 * </ul>
 * Answers are normalized as the official code does: a choice written "(B)" becomes "B".
 */
public final class Datasets {
    /** Fails on text after the JSON value, so two records run together on one JSONL line are not silently cut to one. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern CHOICE = Pattern.compile("^\\(([A-Z])\\)$");
    private static final Pattern GSM8K_ANSWER = Pattern.compile("####\\s*(.+?)\\s*$");

    private Datasets() {
    }

    /** Chooses the reader by extension: .csv, .json (BBH), .jsonl (GSM8K layout when it has question/answer). */
    public static List<Example> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".csv")) return readCsv(file);
        if (name.endsWith(".jsonl")) return readJsonl(file, "question", "answer");
        if (name.endsWith(".json")) return readBbhJson(file);
        throw new TaskFormatException(file + ": unknown dataset format (expected .csv, .json or .jsonl)");
    }

    public static List<Example> readCsv(Path file) {
        List<List<String>> rows = CsvTable.parse(text(file), file.toString());
        if (rows.isEmpty()) throw new TaskFormatException(file + ": empty file");
        List<String> header = rows.getFirst().stream().map(String::trim).toList();
        int goal = header.indexOf("goal");
        int answer = header.contains("final_target") ? header.indexOf("final_target") : header.indexOf("target");
        if (goal < 0 || answer < 0) {
            throw new TaskFormatException(file + ": CSV header must have columns goal and final_target (or target), found " + header);
        }
        List<Example> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() != header.size()) {
                throw new TaskFormatException(file + ": record " + r + " has " + row.size() + " fields, the header has " + header.size());
            }
            out.add(example(row.get(goal), row.get(answer), file, "record " + r));
        }
        return nonEmpty(out, file);
    }

    public static List<Example> readBbhJson(Path file) {
        JsonNode root = json(text(file), file, "file");
        JsonNode examples = root.get("examples");
        if (examples == null || !examples.isArray()) throw new TaskFormatException(file + ": expected {\"examples\": [{\"input\", \"target\"}, ...]}");
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            JsonNode e = examples.get(i);
            out.add(example(field(e, "input", file, "example " + i), field(e, "target", file, "example " + i), file, "example " + i));
        }
        return nonEmpty(out, file);
    }

    /**
     * One JSON object per line with the given fields. When the answer field holds a GSM8K
     * worked solution ending in {@code #### N}, N is the answer.
     */
    public static List<Example> readJsonl(Path file, String questionField, String answerField) {
        List<Example> out = new ArrayList<>();
        String[] lines = text(file).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            String where = "line " + (i + 1);
            JsonNode e = json(lines[i], file, where);
            String answer = field(e, answerField, file, where);
            Matcher m = GSM8K_ANSWER.matcher(answer);
            if (answer.contains("####")) {
                if (!m.find()) throw new TaskFormatException(file + ":" + (i + 1) + ": answer has '####' but no value after it");
                answer = m.group(1).replace(",", "");
            }
            out.add(example(field(e, questionField, file, where), answer, file, where));
        }
        return nonEmpty(out, file);
    }

    private static Example example(String question, String answer, Path file, String where) {
        if (question.isBlank()) throw new TaskFormatException(file + ": " + where + " has an empty question");
        String a = answer.trim();
        if (a.isEmpty()) throw new TaskFormatException(file + ": " + where + " has an empty answer");
        Matcher choice = CHOICE.matcher(a);
        return new Example(question.trim(), choice.matches() ? choice.group(1) : a);
    }

    private static String field(JsonNode e, String name, Path file, String where) {
        JsonNode v = e.get(name);
        if (v == null || v.isNull()) throw new TaskFormatException(file + ": " + where + " lacks the field '" + name + "'");
        return v.isTextual() ? v.asText() : v.toString();
    }

    private static JsonNode json(String text, Path file, String where) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) throw new TaskFormatException(file + ": " + where + " is not a JSON object");
            return n;
        } catch (IOException e) {
            throw new TaskFormatException(file + ": " + where + " is not valid JSON", e);
        }
    }

    private static String text(Path file) {
        try {
            String text = Files.readString(file);
            // A UTF-8 byte order mark (editors on Windows write one) is not part of the first header name or JSON value.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new TaskFormatException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new TaskFormatException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new TaskFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static List<Example> nonEmpty(List<Example> out, Path file) {
        if (out.isEmpty()) throw new TaskFormatException(file + ": no examples");
        return out;
    }
}
