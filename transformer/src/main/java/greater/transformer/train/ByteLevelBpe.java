package greater.transformer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import greater.transformer.tokenizer.ByteLevel;
import greater.transformer.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vocabulary {@link BpeTrainer} learns, GPT-2 style: special tokens first (ids 0..s-1), then
 * the 256 byte symbols of {@link ByteLevel}, then one token per merge in rank order. Text is cut
 * into words by {@link #PRE_TOKENIZER_REGEX} (GPT-2's word regex with each digit alone and
 * {@code $} alone, so numbers are spelled digit by digit and an answer's tokens never fuse with the
 * {@code $} before it), and merges never cross words.
 *
 * <p>This class only holds and writes the vocabulary: {@link #toTokenizerJson()} is a HuggingFace
 * {@code tokenizer.json} (BPE model; Split(regex, Isolated) + ByteLevel(use_regex=false)
 * pre-tokenizer; ByteLevel decoder; special tokens as added tokens), and encoding and decoding are
 * the project's {@link Tokenizer} reading it ({@link #tokenizer()}), as for any downloaded model.
 */
public final class ByteLevelBpe {
    /** The word regex in Oniguruma syntax, as tokenizer.json stores it. */
    public static final String PRE_TOKENIZER_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}| ?\\$| ?[^\\s\\p{L}\\p{N}$]+|\\s+(?!\\S)|\\s+";
    /** The same regex for java.util.regex (Oniguruma's \s is Unicode White_Space), for the trainer's word counts. */
    static final Pattern WORDS = Pattern.compile(PRE_TOKENIZER_REGEX
            .replace("\\s", "\\p{IsWhite_Space}").replace("\\S", "\\P{IsWhite_Space}"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> specials;
    private final List<String> vocab;           // id -> token string (byte-level chars; specials verbatim)
    private final Map<String, Integer> ids;
    private final List<String[]> merges;        // rank -> (left, right)

    ByteLevelBpe(List<String> specials, List<String[]> merges) {
        this.specials = List.copyOf(specials);
        this.merges = List.copyOf(merges);
        List<String> v = new ArrayList<>(specials);
        for (int b = 0; b < 256; b++) v.add(String.valueOf(ByteLevel.charOf(b)));
        this.ids = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            if (ids.put(v.get(i), i) != null) throw new IllegalArgumentException("duplicate token " + v.get(i));
        }
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            if (!ids.containsKey(m[0]) || !ids.containsKey(m[1])) {
                throw new IllegalArgumentException("merge " + rank + " uses an unknown token: " + m[0] + " " + m[1]);
            }
            String merged = m[0] + m[1];
            if (ids.containsKey(merged)) throw new IllegalArgumentException("merge " + rank + " makes an existing token " + merged);
            ids.put(merged, v.size());
            v.add(merged);
        }
        this.vocab = Collections.unmodifiableList(v);
    }

    /** The pre-tokenized words of text without special tokens, in byte-level spelling. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORDS.matcher(text);
        while (m.find()) out.add(ByteLevel.spell(m.group()));
        return out;
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

    /**
     * The project's tokenizer over this vocabulary (no tokenizer_config: no BOS, no chat template),
     * the same one {@link Tokenizer#load} makes of the written folder.
     */
    public Tokenizer tokenizer() {
        return Tokenizer.fromJson(toTokenizerJson(), null, "trained byte-level BPE");
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
