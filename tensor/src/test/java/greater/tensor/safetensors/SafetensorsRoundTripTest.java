package greater.tensor.safetensors;

import greater.tensor.DType;
import greater.tensor.Float16s;
import greater.tensor.Shape;
import greater.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static greater.tensor.safetensors.SafetensorsTestFiles.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SafetensorsWriter -> SafetensorsFile round trips. */
class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void f32AndBf16ValuesShapesAndMetadataSurvive() throws IOException {
        float[] w = {1.5f, -2f, 3.25f, 0f, 1e-3f, -7f};
        float[] b = {1f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -0.3f, 65504f, Float.MIN_NORMAL};
        Path file = dir.resolve("model.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata(Map.of("step", "42"))
                .addF32("w", w, 2, 3)
                .addBf16("b", b, 3, 2)
                .addF32("s", new float[]{0.5f})          // scalar, shape []
                .addF32("empty", new float[0], 0, 4)
                .write(file);

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("w", "b", "s", "empty"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "pt", "step", "42"), f.metadata());

            Tensor tw = f.tensor("w");
            assertEquals(DType.F32, tw.dtype());
            assertEquals(Shape.of(2, 3), tw.shape());
            assertArrayEquals(w, tw.toFloatArray());

            Tensor tb = f.tensor("b");
            assertEquals(DType.BF16, tb.dtype());
            assertEquals(Shape.of(3, 2), tb.shape());
            float[] expected = new float[b.length];
            for (int i = 0; i < b.length; i++) expected[i] = Float16s.roundToBf16(b[i]);
            assertArrayEquals(expected, tb.toFloatArray());
            assertEquals(1f, tb.getFloat(1));              // halfway: ties to even (down)
            assertEquals(1f + 0x1p-6f, tb.getFloat(2));    // halfway: ties to even (up)

            Tensor s = f.tensor("s");
            assertEquals(0, s.rank());
            assertEquals(0.5f, s.getFloat(0));
            assertEquals(0, f.tensor("empty").size());
            assertEquals(new TensorInfo("w", DType.F32, new long[]{2, 3}, 0, 24), f.info("w"));
            assertEquals(new TensorInfo("b", DType.BF16, new long[]{3, 2}, 24, 36), f.info("b"));
            assertTrue(f.bytes("w").isReadOnly());
        }
    }

    @Test
    void layoutFollowsTheSpec() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        new SafetensorsWriter().metadata("k", "v").addBf16("a", new float[]{1, 2, 3}, 3).addF32("b", new float[]{4}, 1)
                .write(file);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data starts 8-aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"BF16\",\"shape\":[3],"
                + "\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[6,10]}}"), header);
        assertTrue(header.substring(header.lastIndexOf('}') + 1).isBlank());
        assertEquals(8 + n + 10, bytes.length);
        assertEquals((short) 0x3F80, ByteBuffer.wrap(bytes, (int) (8 + n), 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
    }

    @Test
    void idsAndTensorsOfEveryFloatDtype() throws IOException {
        Path source = dir.resolve("src.safetensors");
        new SafetensorsWriter().addBf16("bf", new float[]{0.1f, -3f}, 2).write(source);
        Path file = dir.resolve("ids.safetensors");
        try (SafetensorsFile src = SafetensorsFile.open(source)) {
            Tensor owned = Tensor.of(new float[]{0.1f, 2.5f, -1f, 1e-5f}, 2, 2);
            new SafetensorsWriter()
                    .addI64("ids", new long[]{1, 42, -3, 1L << 40}, 4)
                    .addI32("mask", new int[]{1, 0, 1}, 3)
                    .add("copy", src.tensor("bf"))                 // view, same dtype: bit-exact
                    .add("owned", owned)                           // F32
                    .add("owned_bf16", owned, DType.BF16)
                    .add("owned_f16", owned, DType.F16)
                    .write(file);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new long[]{1, 42, -3, 1L << 40}, f.longs("ids"));
            assertArrayEquals(new long[]{1, 0, 1}, f.longs("mask"));
            assertArrayEquals(new int[]{1, 0, 1}, f.ints("mask"));
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> f.ints("ids")),
                    "ids.safetensors", "'ids'", "1099511627776", "longs()");
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> f.tensor("ids")),
                    "ids.safetensors", "tensor 'ids' has dtype I64, which cannot be used as floats; read it with bytes()");
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> f.longs("owned")),
                    "ids.safetensors", "'owned'", "F32");
            assertEquals(32, f.bytes("ids").byteSize());

            assertArrayEquals(new float[]{Float16s.roundToBf16(0.1f), -3f}, f.tensor("copy").toFloatArray());
            assertArrayEquals(new float[]{0.1f, 2.5f, -1f, 1e-5f}, f.tensor("owned").toFloatArray());
            assertEquals(Shape.of(2, 2), f.tensor("owned_bf16").shape());
            assertEquals(Float16s.roundToBf16(0.1f), f.tensor("owned_bf16").getFloat(0));
            assertEquals(DType.F16, f.tensor("owned_f16").dtype());
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), f.tensor("owned_f16").getFloat(0));
        }
    }

    @Test
    void unknownNamesAndClosedFilesFailClearly() throws IOException {
        Path file = dir.resolve("one.safetensors");
        new SafetensorsWriter().addF32("x", new float[]{1}, 1).write(file);
        SafetensorsFile f = SafetensorsFile.open(file);
        assertFalse(f.contains("y"));
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> f.tensor("y")), "one.safetensors", "'y'");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> f.info("y")), "one.safetensors", "'y'");
        Tensor view = f.tensor("x");
        f.close();
        f.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> f.bytes("x"));
        assertThrows(IllegalStateException.class, () -> view.getFloat(0));
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTempFiles() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        new SafetensorsWriter().addF32("x", new float[]{1}, 1).write(file);
        try (SafetensorsFile old = SafetensorsFile.open(file)) {
            new SafetensorsWriter().addF32("x", new float[]{2, 3}, 2).write(file);
            assertEquals(1f, old.tensor("x").getFloat(0), "an open reader keeps the file it mapped");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); Stream<Path> files = Files.list(dir)) {
            assertArrayEquals(new float[]{2, 3}, f.tensor("x").toFloatArray());
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writerRejectsBadInput() {
        SafetensorsWriter w = new SafetensorsWriter().addF32("x", new float[]{1}, 1);
        assertThrows(IllegalArgumentException.class, () -> w.addF32("x", new float[]{1}, 1));
        assertThrows(IllegalArgumentException.class, () -> w.addF32("__metadata__", new float[]{1}, 1));
        assertThrows(IllegalArgumentException.class, () -> w.addF32("y", new float[]{1, 2}, 3));
        assertThrows(IllegalArgumentException.class, () -> w.addF32("y", new float[0], -1, 0));
        assertThrows(IllegalArgumentException.class, () -> w.add("y", Tensor.zeros(1), DType.I64));
    }
}
