package greater.transformer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.tensor.DType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a trained model as a HuggingFace model folder: config.json ({@code LlamaForCausalLM},
 * bf16), generation_config.json (eos ids), model.safetensors (bf16), tokenizer.json and
 * tokenizer_config.json (ChatML template, eos {@code <|im_end|>}, no bos). Every file is
 * replaced atomically.
 */
public final class HfFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfFiles() {
    }

    /** Writes all five files of a model folder into {@code dir}. */
    public static void writeModelFolder(Path dir, TrainableModel model, ByteLevelBpe tokenizer) throws IOException {
        Files.createDirectories(dir);
        writeTokenizer(dir, tokenizer, model.shape().maxPositions());
        int eos = tokenizer.id(ChatMl.IM_END), pad = tokenizer.id(ChatMl.END_OF_TEXT);
        writeJson(dir.resolve("config.json"), model.shape().configJson(null, eos, pad));
        ObjectNode gen = JSON.createObjectNode();
        gen.putNull("bos_token_id");
        gen.putArray("eos_token_id").add(eos);
        gen.put("pad_token_id", pad);
        gen.put("do_sample", false);
        writeJson(dir.resolve("generation_config.json"), gen);
        model.writeSafetensors(dir.resolve("model.safetensors"), DType.BF16);
    }

    /** tokenizer.json and tokenizer_config.json. */
    public static void writeTokenizer(Path dir, ByteLevelBpe tokenizer, int maxLength) throws IOException {
        Files.createDirectories(dir);
        tokenizer.writeTokenizerJson(dir.resolve("tokenizer.json"));
        ObjectNode c = JSON.createObjectNode();
        c.put("add_bos_token", false);
        c.put("add_eos_token", false);
        c.put("add_prefix_space", false);
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        for (String s : tokenizer.specialTokens()) {
            ObjectNode t = decoder.putObject(Integer.toString(tokenizer.id(s)));
            t.put("content", s);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        }
        c.putNull("bos_token");
        c.put("eos_token", ChatMl.IM_END);
        c.put("pad_token", ChatMl.END_OF_TEXT);
        c.putNull("unk_token");
        c.put("chat_template", ChatMl.TEMPLATE);
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", maxLength);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        writeJson(dir.resolve("tokenizer_config.json"), c);
    }

    static void writeJson(Path file, ObjectNode node) throws IOException {
        writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
    }

    /** Writes text to a temp file beside {@code file}, then renames it over {@code file}. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
