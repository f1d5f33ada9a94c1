package greater.tensor.safetensors;

import greater.tensor.DType;
import greater.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static greater.tensor.safetensors.SafetensorsTestFiles.file;
import static greater.tensor.safetensors.SafetensorsTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Valid files built byte by byte, covering what our writer never produces. */
class SafetensorsHandMadeTest {
    @TempDir
    Path dir;

    @Test
    void f16I64AndScalarAtUnalignedOffsets() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(2 * 3 + 8 * 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f)).putShort(Float.floatToFloat16(1024f));
        data.putLong(7).putLong(-1);
        data.putFloat(3.5f);
        String header = """
                {"half":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},
                 "ids":{"dtype":"I64","shape":[1,2],"data_offsets":[6,22],"extra":"ignored"},
                 "s":{"dtype":"F32","shape":[],"data_offsets":[22,26]},
                 "__metadata__":null}      \t
                """;
        Path p = write(dir, "hand.safetensors", file(header, data.array()));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("half", "ids", "s"), List.copyOf(f.names()));
            assertEquals(Map.of(), f.metadata());
            assertEquals(DType.F16, f.tensor("half").dtype());
            assertArrayEquals(new float[]{1.5f, -0.25f, 1024f}, f.tensor("half").toFloatArray());
            assertArrayEquals(new long[]{1, 2}, f.info("ids").shape());
            assertArrayEquals(new long[]{7, -1}, f.longs("ids"));
            assertArrayEquals(new int[]{7, -1}, f.ints("ids"));
            assertEquals(Shape.of(), f.tensor("s").shape());
            assertEquals(3.5f, f.tensor("s").getFloat(0));
            assertEquals(p, f.fileOf("s"));
        }
    }

    @Test
    void emptyHeaderAndZeroSizedTensorsAreValid() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(write(dir, "empty.safetensors", file("{}", 0)))) {
            assertTrue(f.names().isEmpty());
            assertEquals(0, f.dataSize());
        }
        String header = "{\"a\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"c\":{\"dtype\":\"BOOL\",\"shape\":[3,0],\"data_offsets\":[2,2]}}";
        try (SafetensorsFile f = SafetensorsFile.open(write(dir, "zeros.safetensors", file(header, 2)))) {
            assertEquals(0, f.tensor("a").size());
            assertEquals(0, f.bytes("c").byteSize());
            assertEquals(2, f.bytes("b").byteSize());
        }
    }

    @Test
    void everySafetensorsDtypeNameIsKnown() throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (DType t : DType.values()) {
            if (offset > 0) header.append(',');
            header.append("\"").append(t).append("\":{\"dtype\":\"").append(t).append("\",\"shape\":[2],\"data_offsets\":[")
                    .append(offset).append(',').append(offset + 2L * t.bytes).append("]}");
            offset += 2L * t.bytes;
        }
        header.append('}');
        try (SafetensorsFile f = SafetensorsFile.open(write(dir, "all.safetensors", file(header.toString(), (int) offset)))) {
            for (DType t : DType.values()) assertEquals(t, f.info(t.name()).dtype());
        }
    }

    @Test
    void filesOver2GbAreMappedWhole() throws IOException {
        long floats = 805_306_368L; // 3 GiB of F32: a sparse file, so it costs no disk
        String header = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],\"data_offsets\":[0," + floats * 4 + "]},"
                + "\"ids\":{\"dtype\":\"U8\",\"shape\":[" + floats * 4 + "],\"data_offsets\":[" + floats * 4 + ","
                + floats * 8 + "]}}";
        Path p = write(dir, "big.safetensors", file(header, 0));
        long dataStart = Files.size(p);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(dataStart + floats * 8);
            raf.seek(dataStart + floats * 4 - 4);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).array());
        }
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(floats * 8, f.dataSize());
            assertEquals(1.5f, f.tensor("big").getFloat(floats - 1));
            assertEquals(0f, f.tensor("big").getFloat(0));
            assertEquals(floats * 4, f.bytes("ids").byteSize());
            SafetensorsTestFiles.assertMessage(assertThrows(SafetensorsFormatException.class, () -> f.longs("ids")),
                    "big.safetensors", "too many for a Java array");
        }
    }
}
