package greater.transformer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE tokenizer (GPT-2 style) as {@link BpeTrainer} produces it: special tokens
 * first (ids 0..s-1), then the 256 byte symbols, then one token per merge in rank order.
 * Text is cut at special-token literals, then into words by {@link #PRE_TOKENIZER_REGEX} (GPT-2's
 * word regex with each digit alone and {@code $} alone, so numbers are spelled digit by digit and
 * an answer's tokens never fuse with the {@code $} before it), each word's UTF-8 bytes are spelled
 * in GPT-2's byte alphabet and merged by rank.
 *
 * <p>{@link #toTokenizerJson()} writes the same tokenizer as a HuggingFace {@code tokenizer.json}
 * (BPE model; Split(regex, Isolated) + ByteLevel(use_regex=false) pre-tokenizer; ByteLevel
 * decoder; special tokens as added tokens), which HF {@code tokenizers} encodes to the same ids.
 */
public final class ByteLevelBpe {
    /** The word regex in Oniguruma syntax, as tokenizer.json stores it. */
    public static final String PRE_TOKENIZER_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}| ?\\$| ?[^\\s\\p{L}\\p{N}$]+|\\s+(?!\\S)|\\s+";
    /** The same regex for java.util.regex (Oniguruma's \s is Unicode White_Space). */
    static final Pattern WORDS = Pattern.compile(PRE_TOKENIZER_REGEX
            .replace("\\s", "\\p{IsWhite_Space}").replace("\\S", "\\P{IsWhite_Space}"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        // GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the rest move to U+0100...
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
            CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
        }
    }

    private final List<String> specials;
    private final List<String> vocab;           // id -> token string (byte-level chars; specials verbatim)
    private final Map<String, Integer> ids;
    private final List<String[]> merges;        // rank -> (left, right)
    private final Map<Long, int[]> mergeTable;  // (left id, right id) -> {rank, result id}
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    ByteLevelBpe(List<String> specials, List<String[]> merges) {
        this.specials = List.copyOf(specials);
        this.merges = List.copyOf(merges);
        List<String> v = new ArrayList<>(specials);
        for (int b = 0; b < 256; b++) v.add(String.valueOf(BYTE_TO_CHAR[b]));
        this.ids = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            if (ids.put(v.get(i), i) != null) throw new IllegalArgumentException("duplicate token " + v.get(i));
        }
        this.mergeTable = new HashMap<>();
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer left = ids.get(m[0]), right = ids.get(m[1]);
            if (left == null || right == null) throw new IllegalArgumentException("merge " + rank + " uses an unknown token: " + m[0] + " " + m[1]);
            String merged = m[0] + m[1];
            if (ids.containsKey(merged)) throw new IllegalArgumentException("merge " + rank + " makes an existing token " + merged);
            ids.put(merged, v.size());
            v.add(merged);
            mergeTable.put(pair(left, right), new int[]{rank, v.size() - 1});
        }
        this.vocab = Collections.unmodifiableList(v);
    }

    /** Spells UTF-8 bytes in GPT-2's byte alphabet. */
    static String byteLevel(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The pre-tokenized words of text without special tokens, in byte-level spelling. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORDS.matcher(text);
        while (m.find()) out.add(byteLevel(m.group()));
        return out;
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    public int vocabSize() {
        return vocab.size();
    }

    public List<String> specialTokens() {
        return specials;
    }

    /** The id of a token (special tokens by their text), or -1. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** The vocabulary string of {@code id} (byte-level spelling; special tokens verbatim). */
    public String token(int id) {
        return vocab.get(id);
    }

    public boolean isSpecial(int id) {
        return id >= 0 && id < specials.size();
    }

    public List<String[]> merges() {
        return merges;
    }

    /** Encodes text; special-token literals in it become their ids. */
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int best = -1, bestLen = 0, bestId = -1;
            for (int s = 0; s < specials.size(); s++) {
                int at = text.indexOf(specials.get(s), i);
                int len = specials.get(s).length();
                if (at >= 0 && (best < 0 || at < best || (at == best && len > bestLen))) {
                    best = at;
                    bestLen = len;
                    bestId = s;
                }
            }
            int end = best < 0 ? text.length() : best;
            encodeOrdinary(text.substring(i, end), out);
            if (best < 0) break;
            out.add(bestId);
            i = best + bestLen;
        }
        int[] r = new int[out.size()];
        for (int k = 0; k < r.length; k++) r[k] = out.get(k);
        return r;
    }

    private void encodeOrdinary(String text, List<Integer> out) {
        if (text.isEmpty()) return;
        for (String w : words(text)) for (int id : cache.computeIfAbsent(w, this::bpe)) out.add(id);
    }

    /** Merges the symbols of one word, lowest rank first, every occurrence left to right. */
    private int[] bpe(String word) {
        int[] sym = new int[word.length()];
        for (int i = 0; i < sym.length; i++) sym[i] = ids.get(String.valueOf(word.charAt(i)));
        int n = sym.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE, bestResult = -1, left = -1, right = -1;
            for (int i = 0; i + 1 < n; i++) {
                int[] m = mergeTable.get(pair(sym[i], sym[i + 1]));
                if (m != null && m[0] < bestRank) {
                    bestRank = m[0];
                    bestResult = m[1];
                    left = sym[i];
                    right = sym[i + 1];
                }
            }
            if (bestResult < 0) break;
            int w = 0;
            for (int i = 0; i < n; i++) {
                if (i + 1 < n && sym[i] == left && sym[i + 1] == right) {
                    sym[w++] = bestResult;
                    i++;
                } else {
                    sym[w++] = sym[i];
                }
            }
            n = w;
        }
        return java.util.Arrays.copyOf(sym, n);
    }

    /** Decodes ids to text; special tokens are written out unless {@code skipSpecial}. */
    public String decode(int[] tokenIds, boolean skipSpecial) {
        StringBuilder sb = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : tokenIds) {
            if (id < 0 || id >= vocab.size()) throw new IllegalArgumentException("token id " + id + " outside [0, " + vocab.size() + ")");
            if (isSpecial(id)) {
                sb.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
                if (!skipSpecial) sb.append(vocab.get(id));
                continue;
            }
            for (char c : vocab.get(id).toCharArray()) bytes.write(CHAR_TO_BYTE.get(c));
        }
        sb.append(bytes.toString(StandardCharsets.UTF_8));
        return sb.toString();
    }

    public String decode(int[] tokenIds) {
        return decode(tokenIds, false);
    }

    /** The HuggingFace tokenizer.json text. */
    public String toTokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specials.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", specials.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        ObjectNode split = seq.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", PRE_TOKENIZER_REGEX);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        ObjectNode bl = seq.addObject();
        bl.put("type", "ByteLevel");
        bl.put("add_prefix_space", false);
        bl.put("trim_offsets", true);
        bl.put("use_regex", false);
        root.putNull("post_processor");
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) v.put(vocab.get(i), i);
        ArrayNode m = model.putArray("merges");
        for (String[] pair : merges) m.addArray().add(pair[0]).add(pair[1]);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a tokenizer.json this class wrote (checks that it is one). */
    public static ByteLevelBpe read(Path tokenizerJson) throws IOException {
        JsonNode root = JSON.readTree(tokenizerJson.toFile());
        JsonNode model = root.path("model");
        JsonNode split = root.path("pre_tokenizer").path("pretokenizers").path(0);
        if (!"BPE".equals(model.path("type").asText()) || !PRE_TOKENIZER_REGEX.equals(split.path("pattern").path("Regex").asText())) {
            throw new IOException(tokenizerJson + ": not a tokenizer written by greater's BPE trainer");
        }
        List<String> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("id").asInt() != specials.size()) throw new IOException(tokenizerJson + ": special tokens must come first, in id order");
            specials.add(t.path("content").asText());
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonNode p : model.path("merges")) {
            if (p.isArray()) merges.add(new String[]{p.get(0).asText(), p.get(1).asText()});
            else {
                String s = p.asText();
                int sp = s.indexOf(' ');
                merges.add(new String[]{s.substring(0, sp), s.substring(sp + 1)});
            }
        }
        ByteLevelBpe bpe = new ByteLevelBpe(specials, merges);
        Map<String, Integer> stored = new LinkedHashMap<>();
        model.path("vocab").properties().forEach(e -> stored.put(e.getKey(), e.getValue().asInt()));
        for (int i = 0; i < bpe.vocabSize(); i++) {
            Integer id = stored.get(bpe.token(i));
            if (id == null || id != i) throw new IOException(tokenizerJson + ": vocabulary does not match its merges at id " + i);
        }
        return bpe;
    }

    public void writeTokenizerJson(Path file) throws IOException {
        HfFiles.writeAtomically(file, toTokenizerJson());
    }
}
