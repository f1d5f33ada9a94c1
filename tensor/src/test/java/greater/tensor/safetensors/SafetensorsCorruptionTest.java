package greater.tensor.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static greater.tensor.safetensors.SafetensorsTestFiles.assertCorrupt;
import static greater.tensor.safetensors.SafetensorsTestFiles.file;
import static greater.tensor.safetensors.SafetensorsTestFiles.raw;

/** One test per way a file can break the format: each must fail with a one-line message naming the file. */
class SafetensorsCorruptionTest {
    @TempDir
    Path dir;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void truncatedFile() throws IOException {
        assertCorrupt(dir, "empty.safetensors", new byte[0], "0 bytes", "shorter than the 8-byte header length");
        assertCorrupt(dir, "five.safetensors", new byte[5], "5 bytes");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        assertCorrupt(dir, "short.safetensors", raw(100, "{}".getBytes(StandardCharsets.UTF_8)),
                "header length 100 exceeds the 2 bytes");
    }

    @Test
    void hugeHeaderLength() throws IOException {
        assertCorrupt(dir, "huge.safetensors", raw(1L << 62, new byte[16]), "header length 4611686018427387904", "limit");
        assertCorrupt(dir, "u64max.safetensors", raw(-1L, new byte[16]), "header length 18446744073709551615");
        assertCorrupt(dir, "over100mb.safetensors", raw(100_000_001, new byte[16]), "100000000");
    }

    @Test
    void emptyHeader() throws IOException {
        assertCorrupt(dir, "zero.safetensors", raw(0, new byte[4]), "header is empty");
    }

    @Test
    void headerNotJson() throws IOException {
        assertCorrupt(dir, "garbage.safetensors", file("{not json}", 0), "header is not valid JSON", "line 1");
        assertCorrupt(dir, "unclosed.safetensors", file("{\"a\":", 0), "header is not valid JSON");
        assertCorrupt(dir, "trailing.safetensors", file("{} {}", 0), "header is not valid JSON");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] bad = raw(6, new byte[]{'{', '"', (byte) 0xFF, '"', ':', '}'});
        assertCorrupt(dir, "latin.safetensors", bad, "not valid UTF-8", "offset 2");
    }

    @Test
    void headerIsAnArrayOrNotAnObject() throws IOException {
        assertCorrupt(dir, "array.safetensors", file("[1,2]", 0), "header starts with '[' (0x5b)", "'{'");
        assertCorrupt(dir, "space.safetensors", file(" {}", 0), "header starts with ' ' (0x20)");
    }

    @Test
    void unknownDtype() throws IOException {
        assertCorrupt(dir, "f4.safetensors", file("{" + entry("x", "F4", "[2]", 0, 1) + "}", 1),
                "tensor 'x' has unknown dtype 'F4'");
        assertCorrupt(dir, "lower.safetensors", file("{" + entry("x", "f32", "[1]", 0, 4) + "}", 4), "'f32'");
    }

    @Test
    void negativeShapeEntry() throws IOException {
        assertCorrupt(dir, "neg.safetensors", file("{" + entry("x", "F32", "[2,-1]", 0, 8) + "}", 8),
                "tensor 'x' \"shape\" entry 1 is negative: -1");
    }

    @Test
    void nonIntegerShapeEntries() throws IOException {
        assertCorrupt(dir, "frac.safetensors", file("{" + entry("x", "F32", "[2.5]", 0, 8) + "}", 8), "not an integer");
        assertCorrupt(dir, "str.safetensors", file("{" + entry("x", "F32", "[\"2\"]", 0, 8) + "}", 8), "a JSON string");
        assertCorrupt(dir, "obj.safetensors", file("{" + entry("x", "F32", "{}", 0, 8) + "}", 8), "no \"shape\" array");
        assertCorrupt(dir, "big.safetensors", file("{" + entry("x", "F32", "[123456789012345678901234567890]", 0, 8)
                + "}", 8), "too large");
    }

    @Test
    void missingFieldsAndNonObjectEntries() throws IOException {
        assertCorrupt(dir, "nodtype.safetensors", file("{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'x' has no \"dtype\" string");
        assertCorrupt(dir, "nooffsets.safetensors", file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4),
                "no \"data_offsets\" array");
        assertCorrupt(dir, "threeoffsets.safetensors",
                file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4), "3 entries instead of 2");
        assertCorrupt(dir, "number.safetensors", file("{\"x\":7}", 0), "tensor 'x' entry is a JSON number");
    }

    @Test
    void badMetadata() throws IOException {
        assertCorrupt(dir, "metanum.safetensors", file("{\"__metadata__\":{\"step\":42}}", 0),
                "__metadata__ value for 'step' is a JSON number");
        assertCorrupt(dir, "metaarray.safetensors", file("{\"__metadata__\":[]}", 0), "__metadata__ is a JSON array");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        assertCorrupt(dir, "range.safetensors", file("{" + entry("x", "F32", "[100]", 0, 400) + "}", 256),
                "tensor 'x' data range [0, 400) exceeds the 256 data bytes after the header");
        assertCorrupt(dir, "negoffset.safetensors", file("{" + entry("x", "F32", "[1]", -4, 0) + "}", 4), "negative");
    }

    @Test
    void beginAfterEnd() throws IOException {
        assertCorrupt(dir, "reversed.safetensors", file("{" + entry("x", "U8", "[4]", 8, 4) + "}", 8),
                "tensor 'x' data_offsets [8, 4] begin after they end");
    }

    @Test
    void sizeMismatchWithShape() throws IOException {
        assertCorrupt(dir, "mismatch.safetensors", file("{" + entry("x", "F32", "[2,3]", 0, 20) + "}", 20),
                "tensor 'x' has shape [2, 3] x F32 = 24 bytes, but data_offsets [0, 20) hold 20");
    }

    @Test
    void shapeOverflow() throws IOException {
        assertCorrupt(dir, "overflow.safetensors",
                file("{" + entry("x", "F32", "[4294967296,4294967296,4]", 0, 0) + "}", 0), "overflows");
        // 2^62 elements fit a long but 2^62 * 4 bytes do not
        assertCorrupt(dir, "overflow2.safetensors", file("{" + entry("x", "F32", "[4611686018427387904]", 0, 0) + "}", 0),
                "overflows");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertCorrupt(dir, "overlap.safetensors",
                file("{" + entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[4]", 8, 24) + "}", 24),
                "tensors 'a' [0, 16) and 'b' [8, 24) overlap");
        assertCorrupt(dir, "same.safetensors",
                file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "I64", "[1]", 0, 8) + "}", 8), "overlap");
    }

    @Test
    void gapInData() throws IOException {
        assertCorrupt(dir, "gap.safetensors",
                file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
                "data bytes [4, 8) belong to no tensor");
        assertCorrupt(dir, "tail.safetensors", file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 12),
                "data bytes [4, 12) after the last tensor belong to no tensor");
        assertCorrupt(dir, "lead.safetensors", file("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8),
                "data bytes [0, 4) belong to no tensor");
    }

    @Test
    void duplicateName() throws IOException {
        assertCorrupt(dir, "dup.safetensors",
                file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8),
                "header is not valid JSON", "Duplicate field 'a'");
        assertCorrupt(dir, "dupfield.safetensors",
                file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "Duplicate field 'dtype'");
    }

    @Test
    void deeplyNestedJsonIsRejectedNotAStackOverflow() throws IOException {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertCorrupt(dir, "deep.safetensors", file(deep, 0), "header is not valid JSON");
    }

    @Test
    void hostileNamesStayOnOneLine() throws IOException {
        String name = "evil\\nname" + "x".repeat(5000);
        SafetensorsFormatException e = assertCorrupt(dir, "names.safetensors",
                file("{" + entry(name, "F4", "[1]", 0, 1) + "}", 1), "'evil\\nname", "...");
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().length() < 400, e.getMessage());
    }
}
