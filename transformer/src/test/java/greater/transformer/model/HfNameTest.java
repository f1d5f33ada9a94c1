package greater.transformer.model;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HfNameTest {
    @Test
    void spellsTransformersNames() {
        assertEquals("model.embed_tokens.weight", HfName.EMBED_TOKENS.of(HfName.TEXT));
        assertEquals("model.norm.weight", HfName.FINAL_NORM.of(HfName.TEXT));
        assertEquals("lm_head.weight", HfName.LM_HEAD.of(""));
        assertEquals("model.layers.3.self_attn.q_proj.weight", HfName.Q_PROJ.of(HfName.TEXT, 3));
        assertEquals("language_model.model.layers.0.mlp.down_proj.bias", HfName.DOWN_BIAS.of("language_model.model.", 0));
        assertEquals("layers.12.post_feedforward_layernorm.weight", HfName.POST_FEEDFORWARD_NORM.of("", 12));
    }

    @Test
    void aNameNeedsItsScope() {
        assertThrows(IllegalStateException.class, () -> HfName.Q_PROJ.of(HfName.TEXT));
        assertThrows(IllegalStateException.class, () -> HfName.EMBED_TOKENS.of(HfName.TEXT, 0));
    }

    @Test
    void parsesEveryNameItSpellsAndNothingElse() {
        for (HfName n : HfName.values()) {
            for (String prefix : new String[]{"", HfName.TEXT, "model.language_model."}) {
                String name = n == HfName.LM_HEAD || n == HfName.EMBED_TOKENS || n == HfName.FINAL_NORM ? n.of(prefix) : n.of(prefix, 7);
                assertEquals(Optional.of(n), HfName.parse(name), name);
            }
        }
        assertEquals(Optional.of(HfName.Q_NORM), HfName.parse("model.layers.0.self_attn.q_norm.weight"));
        assertEquals(Optional.empty(), HfName.parse("model.layers.1.mlp.extra_proj.weight"));
        assertEquals(Optional.empty(), HfName.parse("model.layers.x.self_attn.q_proj.weight"));
        assertEquals(Optional.empty(), HfName.parse("vision_tower.layers.0.self_attn.q_proj.weightx"));
    }
}
