package greater.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public factories a user builds tensors with, and the bf16 rounding tests compare against. */
class TensorFactoriesTest {
    @Test
    void zerosIsANewOwnedF32TensorOfZeros() {
        Tensor t = Tensor.zeros(2, 3);
        assertEquals(Shape.of(2, 3), t.shape());
        assertEquals(DType.F32, t.dtype());
        assertTrue(t.isOwned());
        assertArrayEquals(new float[6], t.data());
        assertNotSame(t.data(), Tensor.zeros(2, 3).data(), "each call has its own storage");
        assertEquals(0, Tensor.zeros(0, 4).data().length);
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    }

    @Test
    void roundToBf16RoundsToNearestEven() {
        float ulp = 0x1p-7f; // bf16 spacing in [1, 2)
        assertEquals(1f, Float16s.roundToBf16(1f + ulp / 2), "a tie goes to the even neighbour (1.0)");
        assertEquals(1f + 2 * ulp, Float16s.roundToBf16(1f + 1.5f * ulp), "a tie goes to the even neighbour (1 + 2 ulp)");
        assertEquals(1f + ulp, Float16s.roundToBf16(1f + ulp / 2 + 0x1p-20f), "above the tie rounds up");
        assertEquals(-3.140625f, Float16s.roundToBf16(-3.14159f));
        assertEquals(Float.POSITIVE_INFINITY, Float16s.roundToBf16(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Float16s.roundToBf16(Float.NaN)));
        assertEquals(Float16s.bf16ToFloat(Float16s.floatToBf16(0.1f)), Float16s.roundToBf16(0.1f));
    }
}
