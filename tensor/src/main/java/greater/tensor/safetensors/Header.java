package greater.tensor.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.tensor.DType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static greater.tensor.safetensors.SafetensorsFormatException.quote;

/**
 * The validated JSON header of one safetensors file: its {@code __metadata__} and its tensor
 * entries in header order. {@link #parse} enforces every rule of the format spec
 * (https://github.com/huggingface/safetensors#format) that the header and the size of the data
 * section can check, plus the reference implementation's stricter ones (no holes, no overlaps);
 * anything else is a {@link SafetensorsFormatException} naming the file. {@code dataOffset} is
 * where the data starts in the file (8 + N).
 */
record Header(Map<String, String> metadata, Map<String, TensorInfo> tensors, long dataOffset) {
    static final String METADATA_KEY = "__metadata__";

    /**
     * @param header   the N header bytes that follow the 8-byte length prefix
     * @param dataSize bytes after the header (file size - 8 - N)
     */
    static Header parse(Path file, byte[] header, long dataSize) {
        // Spec: "The header data MUST begin with a { character (0x7B)."
        if (header.length == 0) throw new SafetensorsFormatException(file, "header is empty (length 0)");
        if (header[0] != '{') {
            int b = header[0] & 0xFF;
            String shown = b >= 0x20 && b < 0x7F ? "'" + (char) b + "' " : "byte ";
            throw new SafetensorsFormatException(file, String.format(
                    "header starts with %s(0x%02x); the format requires '{'", shown, b));
        }
        // Spec: "The header data MAY be trailing padded with whitespace (0x20)": JSON allows that.
        // Spec: "Duplicate keys are disallowed": Json rejects repeated keys.
        ObjectNode root = Json.parseObject(file, "header", header);

        Map<String, String> metadata = Map.of();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(file, e.getValue());
            } else {
                tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
            }
        }
        checkTiling(file, tensors.values(), dataSize);
        return new Header(metadata, Collections.unmodifiableMap(tensors), 8L + header.length);
    }

    /** Spec: "__metadata__ ... free form string-to-string map. Arbitrary JSON is not allowed". */
    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (node.isNull()) return Map.of(); // the reference reader accepts null (Option<HashMap>)
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, "__metadata__ is a JSON " + Json.kind(node) + ", not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, "__metadata__ value for " + quote(e.getKey())
                        + " is a JSON " + Json.kind(e.getValue()) + "; the format allows only strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    /** Spec: {"dtype": "F16", "shape": [1, 16, 256], "data_offsets": [BEGIN, END]}. */
    private static TensorInfo entry(Path file, String name, JsonNode node, long dataSize) {
        String t = "tensor " + quote(name);
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, t + " entry is a JSON " + Json.kind(node) + ", not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsFormatException(file, t + " has no \"dtype\" string");
        }
        String dtypeName = dtypeNode.textValue();
        DType dtype = DType.fromSafetensorsName(dtypeName);
        if (dtype == null || !dtype.name().equals(dtypeName)) { // names are case-sensitive in the format
            throw new SafetensorsFormatException(file, t + " has unknown dtype " + quote(dtypeName));
        }
        long[] shape = naturals(file, t, "shape", node.get("shape"), -1);
        long[] offsets = naturals(file, t, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        // Spec: "data_offsets point to the tensor data relative to the beginning of the byte buffer
        // ... BEGIN as the starting offset and END as the one-past offset".
        if (begin > end) {
            throw new SafetensorsFormatException(file, t + " data_offsets [" + begin + ", " + end + "] begin after they end");
        }
        if (end > dataSize) {
            throw new SafetensorsFormatException(file, t + " data range [" + begin + ", " + end + ") exceeds the "
                    + dataSize + " data bytes after the header");
        }
        // Spec: "total tensor byte size = END - BEGIN" must match the shape (checked for overflow).
        long bytes;
        try {
            long count = 1;
            for (long d : shape) count = Math.multiplyExact(count, d);
            bytes = Math.multiplyExact(count, dtype.bytes);
        } catch (ArithmeticException overflow) {
            throw new SafetensorsFormatException(file, t + " shape " + Arrays.toString(shape) + " x " + dtype
                    + " overflows 64-bit byte counts");
        }
        if (bytes != end - begin) {
            throw new SafetensorsFormatException(file, t + " has shape " + Arrays.toString(shape) + " x " + dtype
                    + " = " + bytes + " bytes, but data_offsets [" + begin + ", " + end + ") hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers (of exactly {@code length} entries unless it is -1). */
    private static long[] naturals(Path file, String t, String field, JsonNode node, int length) {
        if (node == null || !node.isArray()) {
            throw new SafetensorsFormatException(file, t + " has no \"" + field + "\" array");
        }
        if (length >= 0 && node.size() != length) {
            throw new SafetensorsFormatException(file, t + " \"" + field + "\" has " + node.size()
                    + " entries instead of " + length);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber()) {
                throw new SafetensorsFormatException(file, t + " \"" + field + "\" entry " + i + " is "
                        + (v.isNumber() ? "not an integer: " + v : "a JSON " + Json.kind(v)));
            }
            if (v.bigIntegerValue().signum() < 0) {
                throw new SafetensorsFormatException(file, t + " \"" + field + "\" entry " + i + " is negative: " + v);
            }
            if (!v.canConvertToLong()) {
                throw new SafetensorsFormatException(file, t + " \"" + field + "\" entry " + i + " is too large: " + v);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /**
     * Spec: "The byte buffer needs to be entirely indexed, and cannot contain holes. This prevents
     * the creation of polyglot files." Like the reference reader, the ranges sorted by offset must
     * tile [0, dataSize) exactly: no overlap, no gap, nothing left over (an empty tensor inside
     * another's range counts as an overlap there too).
     */
    private static void checkTiling(Path file, Iterable<TensorInfo> tensors, long dataSize) {
        List<TensorInfo> sorted = new ArrayList<>();
        tensors.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long next = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < next) {
                throw new SafetensorsFormatException(file, "tensors " + quote(previous.name()) + " " + range(previous)
                        + " and " + quote(t.name()) + " " + range(t) + " overlap");
            }
            if (t.begin() > next) {
                throw new SafetensorsFormatException(file, "data bytes [" + next + ", " + t.begin()
                        + ") belong to no tensor (the format forbids holes)");
            }
            next = t.end();
            previous = t;
        }
        if (next != dataSize) {
            throw new SafetensorsFormatException(file, "data bytes [" + next + ", " + dataSize
                    + ") after the last tensor belong to no tensor (the format forbids holes)");
        }
    }

    private static String range(TensorInfo t) {
        return "[" + t.begin() + ", " + t.end() + ")";
    }
}
