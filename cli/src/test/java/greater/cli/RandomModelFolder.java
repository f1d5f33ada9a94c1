package greater.cli;

import greater.tensor.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A HuggingFace-layout Llama folder with tiny random bf16 weights around a real tokenizer:
 * enough to run every stage end to end with a real vocabulary.
 */
final class RandomModelFolder {
    private RandomModelFolder() {
    }

    /** ../shared/tokenizers/NAME found by walking up from the working directory, or null. */
    static Path sharedTokenizer(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path t = p.resolveSibling("shared").resolve("tokenizers").resolve(name);
            if (Files.isRegularFile(t.resolve("tokenizer.json"))) return t;
        }
        return null;
    }

    static Path shared() {
        Path t = sharedTokenizer("llama3");
        return t == null ? null : t.getParent().getParent();
    }

    static Path create(Path dir, Path tokenizerDir, int vocab, int eos, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.copy(tokenizerDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.copy(tokenizerDir.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        int h = 32, inter = 64, layers = 2, heads = 4, kv = 2, hd = 8;
        Files.writeString(dir.resolve("config.json", ""), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": %d, "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d,
                 "head_dim": %d, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": true,
                 "eos_token_id": %d, "torch_dtype": "bfloat16", "max_position_embeddings": 4096}
                """.formatted(vocab, h, inter, layers, heads, kv, hd, eos));
        Random r = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter();
        w.addBf16("model.embed_tokens.weight", gauss(r, vocab * h, 1f), vocab, h);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.addBf16(p + "input_layernorm.weight", ones(h), h);
            w.addBf16(p + "post_attention_layernorm.weight", ones(h), h);
            w.addBf16(p + "self_attn.q_proj.weight", gauss(r, heads * hd * h, 0.2f), heads * hd, h);
            w.addBf16(p + "self_attn.k_proj.weight", gauss(r, kv * hd * h, 0.2f), kv * hd, h);
            w.addBf16(p + "self_attn.v_proj.weight", gauss(r, kv * hd * h, 0.2f), kv * hd, h);
            w.addBf16(p + "self_attn.o_proj.weight", gauss(r, h * heads * hd, 0.2f), h, heads * hd);
            w.addBf16(p + "mlp.gate_proj.weight", gauss(r, inter * h, 0.2f), inter, h);
            w.addBf16(p + "mlp.up_proj.weight", gauss(r, inter * h, 0.2f), inter, h);
            w.addBf16(p + "mlp.down_proj.weight", gauss(r, h * inter, 0.2f), h, inter);
        }
        w.addBf16("model.norm.weight", ones(h), h);
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }

    private static float[] gauss(Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * std;
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
