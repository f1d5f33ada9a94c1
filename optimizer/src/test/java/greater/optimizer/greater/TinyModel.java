package greater.optimizer.greater;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.optimizer.task.AnswerFormat;
import greater.optimizer.task.Example;
import greater.optimizer.task.TaskPreset;
import greater.tensor.Tensor;
import greater.transformer.config.ModelConfig;
import greater.transformer.model.HfName;
import greater.transformer.model.LayerWeights;
import greater.transformer.model.ModelWeights;
import greater.transformer.model.Transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small random Llama-style model built in memory, for optimizer mechanics tests. */
final class TinyModel {
    /** The task the mechanics tests optimize with {@link CharFormat}: three sums and differences in words. */
    static final TaskPreset PRESET = new TaskPreset("t", "so $", AnswerFormat.INTEGER);
    static final List<Example> TRAIN = List.of(new Example("two plus three", "5"), new Example("one plus one", "2"),
            new Example("four minus one", "3"));

    private TinyModel() {
    }

    static Transformer random(int vocab, long seed) {
        int hidden = 24, heads = 2, kv = 1, headDim = 12, inter = 40, layers = 2;
        String json = """
                {"model_type": "llama", "vocab_size": %d, "hidden_size": %d, "intermediate_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d,
                 "head_dim": %d, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": true}
                """.formatted(vocab, hidden, inter, layers, heads, kv, headDim);
        ModelConfig config;
        try {
            config = ModelConfig.parse(new ObjectMapper().readTree(json), "tiny");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Random r = new Random(seed);
        Tensor embed = rand(r, 1.0f, vocab, hidden);
        List<LayerWeights> ls = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            // Drawn in the order the tests' expectations were recorded with.
            Tensor inputNorm = norm(r, hidden);
            Tensor wq = rand(r, 0.3f, heads * headDim, hidden), wk = rand(r, 0.3f, kv * headDim, hidden);
            Tensor wv = rand(r, 0.3f, kv * headDim, hidden), wo = rand(r, 0.3f, hidden, heads * headDim);
            Tensor postAttentionNorm = norm(r, hidden);
            Tensor gate = rand(r, 0.3f, inter, hidden), up = rand(r, 0.3f, inter, hidden), down = rand(r, 0.3f, hidden, inter);
            ls.add(LayerWeights.of(Map.of(HfName.INPUT_NORM, inputNorm, HfName.Q_PROJ, wq, HfName.K_PROJ, wk, HfName.V_PROJ, wv,
                    HfName.O_PROJ, wo, HfName.POST_ATTENTION_NORM, postAttentionNorm,
                    HfName.GATE_PROJ, gate, HfName.UP_PROJ, up, HfName.DOWN_PROJ, down)));
        }
        return new Transformer(config, new ModelWeights(embed, ls, norm(r, hidden), embed));
    }

    private static Tensor rand(Random r, float std, int... dims) {
        Tensor t = Tensor.zeros(dims);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * std;
        return t;
    }

    private static Tensor norm(Random r, int n) {
        Tensor t = Tensor.zeros(n);
        float[] d = t.data();
        for (int i = 0; i < n; i++) d[i] = 1f + 0.1f * (float) r.nextGaussian();
        return t;
    }
}
