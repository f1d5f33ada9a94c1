package greater.transformer.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Small tokenizer.json files built in the tests, so that the core (byte-level BPE, SentencePiece
 * byte fallback, both merge formats, added tokens) is covered without ../shared. The expected ids
 * and offsets in the tests are what HF tokenizers 0.23 produces on these same files ({@link #main}
 * writes them out for that check).
 */
final class TinyTokenizers {
    static final ObjectMapper JSON = new ObjectMapper();

    private TinyTokenizers() {
    }

    /**
     * GPT-2-style byte-level BPE: ids 0..255 are the 256 byte chars in byte order, then merges
     * building "hello", " world", "lo" and " the" (ids 256..267); added tokens {@code <s>} (268,
     * special), {@code </s>} (269, special), {@code <sep>} (270, special, lstrip + rstrip) and
     * {@code [mask]} (271, not special, single_word); BOS added by the post-processor.
     *
     * @param pairMerges write merges as {@code ["a", "b"]} pairs instead of {@code "a b"} strings
     */
    static String byteLevel(boolean pairMerges) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        added.add(added(268, "<s>", true, false, false, false));
        added.add(added(269, "</s>", true, false, false, false));
        added.add(added(270, "<sep>", true, true, true, false));
        added.add(added(271, "[mask]", false, false, false, true));
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.set("post_processor", bosTemplate("<s>", 268));
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("unk_token");
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
        }
        String[][] merges = {
            {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {"Ġ", "w"}, {"o", "r"}, {"Ġw", "or"},
            {"Ġwor", "l"}, {"Ġworl", "d"}, {"l", "o"}, {"Ġ", "t"}, {"Ġt", "he"},
        };
        int id = 256;
        for (String[] m : merges) {
            vocab.put(m[0] + m[1], id++);
        }
        ArrayNode list = model.putArray("merges");
        for (String[] m : merges) {
            if (pairMerges) {
                list.addArray().add(m[0]).add(m[1]);
            } else {
                list.add(m[0] + " " + m[1]);
            }
        }
        return root.toString();
    }

    /**
     * Llama-2-style SentencePiece BPE: normalizer Prepend("▁") + Replace(" " -> "▁"), no
     * pre-tokenizer, byte fallback to {@code <0xXX>} (ids 3..258), unk {@code <unk>} (0), BOS
     * {@code <s>} (1); merges (as pairs) build "▁hello", "▁world" and "▁▁".
     */
    static String sentencePiece(boolean byteFallback) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        added.add(added(0, "<unk>", true, false, false, false));
        added.add(added(1, "<s>", true, false, false, false));
        added.add(added(2, "</s>", true, false, false, false));
        ObjectNode norm = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode norms = norm.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "▁");
        root.putNull("pre_tokenizer");
        root.set("post_processor", bosTemplate("<s>", 1));
        ObjectNode dec = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decs = dec.putArray("decoders");
        ObjectNode rd = decs.addObject().put("type", "Replace");
        rd.putObject("pattern").put("String", "▁");
        rd.put("content", " ");
        decs.addObject().put("type", "ByteFallback");
        decs.addObject().put("type", "Fuse");
        decs.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true).put("byte_fallback", byteFallback);
        ObjectNode vocab = model.putObject("vocab");
        vocab.put("<unk>", 0).put("<s>", 1).put("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), 3 + b);
        }
        int id = 259;
        for (String s : List.of("▁", "h", "e", "l", "o", "w", "r", "d", "!")) {
            vocab.put(s, id++);
        }
        String[][] merges = {
            {"▁", "h"}, {"l", "l"}, {"▁h", "e"}, {"▁he", "ll"}, {"▁hell", "o"}, {"▁", "w"}, {"o", "r"},
            {"▁w", "or"}, {"▁wor", "l"}, {"▁worl", "d"}, {"▁", "▁"},
        };
        for (String[] m : merges) {
            vocab.put(m[0] + m[1], id++);
        }
        ArrayNode list = model.putArray("merges");
        for (String[] m : merges) {
            list.addArray().add(m[0]).add(m[1]);
        }
        return root.toString();
    }

    static ObjectNode added(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id).put("content", content).put("single_word", singleWord).put("lstrip", lstrip)
                .put("rstrip", rstrip).put("normalized", false).put("special", special);
        return t;
    }

    static ObjectNode bosTemplate(String bos, int id) {
        ObjectNode post = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putArray("pair");
        ObjectNode st = post.putObject("special_tokens").putObject(bos);
        st.put("id", bos);
        st.putArray("ids").add(id);
        st.putArray("tokens").add(bos);
        return post;
    }

    /** Writes the tiny tokenizers to a folder, for checking them against HF tokenizers by hand. */
    public static void main(String[] args) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(args[0]);
        java.nio.file.Files.writeString(dir.resolve("byte_level.json"), byteLevel(false));
        java.nio.file.Files.writeString(dir.resolve("byte_level_pairs.json"), byteLevel(true));
        java.nio.file.Files.writeString(dir.resolve("sentencepiece.json"), sentencePiece(true));
        java.nio.file.Files.writeString(dir.resolve("sentencepiece_unk.json"), sentencePiece(false));
    }
}
