package greater.transformer.model;

import greater.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayerWeightsTest {
    @Test
    void everyLayerNameFillsItsOwnComponent() throws ReflectiveOperationException {
        Map<HfName, Tensor> t = new EnumMap<>(HfName.class);
        for (HfName n : HfName.values()) {
            if (n.perLayer() && n != HfName.QKV_PROJ && n != HfName.GATE_UP_PROJ) {
                t.put(n, Tensor.zeros(1));
            }
        }
        LayerWeights w = LayerWeights.of(t);
        Map<Tensor, String> seen = new IdentityHashMap<>();
        for (RecordComponent rc : LayerWeights.class.getRecordComponents()) {
            Tensor x = (Tensor) rc.getAccessor().invoke(w);
            assertEquals(null, seen.put(x, rc.getName()), rc.getName() + " shares its tensor with " + seen.get(x));
        }
        assertEquals(t.size(), seen.size());
        assertSame(t.get(HfName.Q_PROJ), w.wq());
        assertSame(t.get(HfName.O_BIAS), w.bo());
        assertSame(t.get(HfName.POST_FEEDFORWARD_NORM), w.postFeedforwardNorm());
    }

    @Test
    void absentNamesAreNullAndForeignNamesAreRefused() {
        Tensor q = Tensor.zeros(2);
        LayerWeights w = LayerWeights.of(Map.of(HfName.Q_PROJ, q));
        assertSame(q, w.wq());
        assertNull(w.bq());
        assertThrows(IllegalArgumentException.class, () -> LayerWeights.of(Map.of(HfName.QKV_PROJ, q)));
        assertThrows(IllegalArgumentException.class, () -> LayerWeights.of(Map.of(HfName.EMBED_TOKENS, q)));
    }
}
