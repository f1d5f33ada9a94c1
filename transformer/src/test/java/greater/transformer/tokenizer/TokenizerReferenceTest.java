package greater.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every committed reference case of the four real tokenizers (Llama-3, Llama-2, Qwen3, Gemma-3):
 * ids with and without special tokens, offsets, decode, and special-token literals as plain
 * text, against what HF tokenizers produced (transformer/reference/tokenizer_fixtures.py).
 */
class TokenizerReferenceTest {
    static final List<String> NAMES = SharedTokenizers.NAMES;

    @ParameterizedTest
    @FieldSource("NAMES")
    void plainTextMatchesHuggingFace(String name) {
        Tokenizer tok = SharedTokenizers.load(name);
        JsonNode expected = SharedTokenizers.expected(name);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (JsonNode c : expected.get("plain")) {
            cases++;
            String text = c.get("text").asText();
            Encoding e = tok.encode(text, true, true);
            int[] ids = SharedTokenizers.ints(c.get("ids"));
            if (!Arrays.equals(ids, e.ids())) {
                failures.add("ids of " + show(text) + ": expected " + Arrays.toString(ids) + " got " + Arrays.toString(e.ids()));
                continue;
            }
            int[] noSpecial = SharedTokenizers.ints(c.get("ids_no_special"));
            int[] gotNoSpecial = tok.encode(text, false, true).ids();
            if (!Arrays.equals(noSpecial, gotNoSpecial)) {
                failures.add("ids_no_special of " + show(text) + ": expected " + Arrays.toString(noSpecial)
                        + " got " + Arrays.toString(gotNoSpecial));
            }
            JsonNode offsets = c.get("offsets");
            for (int t = 0; t < ids.length; t++) {
                int s = offsets.get(t).get(0).asInt();
                int en = offsets.get(t).get(1).asInt();
                if (e.start(t) != s || e.end(t) != en) {
                    failures.add("offset of token " + t + " (" + ids[t] + ") in " + show(text) + ": expected ["
                            + s + ", " + en + ") got [" + e.start(t) + ", " + e.end(t) + ")");
                    break;
                }
            }
            String decoded = c.get("decoded").asText();
            String got = tok.decode(ids, false);
            if (!decoded.equals(got)) {
                failures.add("decode of " + show(text) + ": expected " + show(decoded) + " got " + show(got));
            }
        }
        for (JsonNode c : expected.get("special_as_text")) {
            cases++;
            String text = c.get("text").asText();
            int[] ids = SharedTokenizers.ints(c.get("ids"));
            int[] got = tok.encode(text, false, false).ids();
            if (!Arrays.equals(ids, got)) {
                failures.add("special-as-text ids of " + show(text) + ": expected " + Arrays.toString(ids)
                        + " got " + Arrays.toString(got));
            }
        }
        System.out.println(name + ": " + (cases - failures.size()) + "/" + cases + " plain reference cases match");
        assertTrue(failures.isEmpty(), name + ": " + failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    /**
     * decode(encode(text)) gives the text back for every case (NFC-normalized for Qwen3, whose
     * normalizer is NFC), with special-token literals kept as text so that Llama-2's per-piece
     * dummy prefix does not add spaces after them. A literal {@code ▁} cannot survive a
     * SentencePiece round trip (it decodes to a space), so Llama-2 and Gemma skip that case.
     */
    @ParameterizedTest
    @FieldSource("NAMES")
    void roundTripsEveryCase(String name) {
        Tokenizer tok = SharedTokenizers.load(name);
        for (JsonNode c : SharedTokenizers.expected(name).get("plain")) {
            String text = c.get("text").asText();
            boolean sentencePiece = name.equals("llama2") || name.equals("gemma3");
            if (sentencePiece && text.contains("\u2581")) {
                continue; // a literal ▁ is a space to SentencePiece vocabularies: not recoverable
            }
            String want = name.equals("qwen3") ? java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC) : text;
            assertEquals(want, tok.decode(tok.encode(text, false, false).ids()), "round trip of " + show(text));
        }
    }

    static String show(String s) {
        String q = s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
        return "\"" + (q.length() > 60 ? q.substring(0, 57) + "..." : q) + "\"";
    }
}
