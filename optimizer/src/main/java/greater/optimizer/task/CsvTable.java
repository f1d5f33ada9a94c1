package greater.optimizer.task;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas, newlines and
 * doubled quotes ({@code ""}). The BBH/FOLIO files put multi-line questions in quoted fields.
 * Line breaks may be LF or CRLF; a CRLF inside a quoted field is read as "\n", so a file saved
 * with CRLF gives the same questions as its LF original.
 */
final class CsvTable {
    private CsvTable() {
    }

    /** Rows of fields; the first row is the header. Throws on an unterminated quote. */
    static List<List<String>> parse(String text, String file) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false, fieldStarted = false;
        int line = 1, quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    // a CRLF line break inside a quoted field is a line break like the others: keep "\n"
                } else {
                    if (c == '\n') line++;
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (field.length() > 0) throw new TaskFormatException(file + ":" + line + ": stray quote inside an unquoted field");
                    quoted = true;
                    fieldStarted = true;
                    quoteLine = line;
                }
                case ',' -> {
                    row.add(field.toString());
                    field.setLength(0);
                    fieldStarted = true;
                }
                case '\r' -> {
                }
                case '\n' -> {
                    line++;
                    if (fieldStarted || field.length() > 0 || !row.isEmpty()) {
                        row.add(field.toString());
                        rows.add(row);
                    }
                    row = new ArrayList<>();
                    field.setLength(0);
                    fieldStarted = false;
                }
                default -> {
                    field.append(c);
                    fieldStarted = true;
                }
            }
        }
        if (quoted) throw new TaskFormatException(file + ":" + quoteLine + ": quoted field never closed");
        if (fieldStarted || field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
