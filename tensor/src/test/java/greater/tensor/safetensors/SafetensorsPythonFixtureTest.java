package greater.tensor.safetensors;

import greater.tensor.DType;
import greater.tensor.Shape;
import greater.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Reads python_fixture.safetensors, written by Hugging Face's safetensors 0.8.0 (see
 * make_python_fixture.py beside it): its writer orders tensors by dtype, then name, and does not
 * pad the data, so F32 tensors start at unaligned offsets.
 */
class SafetensorsPythonFixtureTest {

    static Path fixture() throws URISyntaxException {
        return Path.of(SafetensorsPythonFixtureTest.class.getResource("/safetensors/python_fixture.safetensors").toURI());
    }

    @Test
    void readsEveryTensorWrittenByPython() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            assertEquals(List.of("ids", "empty", "scale", "weight", "count", "bf16", "half", "mask"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "np", "source", "python safetensors 0.8.0"), f.metadata());
            assertEquals(95, f.dataSize());

            assertArrayEquals(new long[]{1, 42, -3, 1L << 40, 0}, f.longs("ids"));
            assertEquals(new TensorInfo("ids", DType.I64, new long[]{5}, 0, 40), f.info("ids"));

            Tensor empty = f.tensor("empty");
            assertEquals(Shape.of(0, 4), empty.shape());
            assertEquals(0, empty.size());

            Tensor scale = f.tensor("scale");
            assertEquals(Shape.of(), scale.shape());
            assertEquals(0.25f, scale.getFloat(0));

            Tensor weight = f.tensor("weight");
            assertEquals(44, f.info("weight").begin()); // not 4-aligned in the file
            assertEquals(Shape.of(2, 3), weight.shape());
            assertArrayEquals(new float[]{1.5f, -2f, 3.25f, 0f, 1e-3f, -7f}, weight.toFloatArray());

            assertEquals(0, f.info("count").shape().length);
            assertArrayEquals(new int[]{7}, f.ints("count"));

            Tensor bf16 = f.tensor("bf16");
            assertEquals(DType.BF16, bf16.dtype());
            assertArrayEquals(new float[]{1f, -2.5f, 0.15625f, 1024f, -0.0078125f, 448f}, bf16.toFloatArray());

            Tensor half = f.tensor("half");
            assertEquals(DType.F16, half.dtype());
            assertEquals(Shape.of(2, 2), half.shape());
            assertArrayEquals(new float[]{0.5f, -1f, 65504f, 6.103515625e-05f}, half.toFloatArray());

            assertArrayEquals(new long[]{1, 0, 1}, f.longs("mask"));
            assertEquals(DType.U8, f.info("mask").dtype());
            assertThrows(SafetensorsFormatException.class, () -> f.tensor("mask"));
        }
    }
}
