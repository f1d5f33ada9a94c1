package greater.tensor.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.tensor.DType;
import greater.tensor.Float16s;
import greater.tensor.Shape;
import greater.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds a safetensors file: F32, BF16 or F16 tensors (from float[] or {@link Tensor}), I64/I32
 * tensors (e.g. token ids) and a {@code __metadata__} string map. {@link #write} lays the header
 * out compactly, pads it with spaces so the data starts at a multiple of 8, stores the tensors in
 * the order they were added, and replaces the target atomically (temp file in the same folder, then
 * an atomic move): readers see the old file or the complete new one, never a partial one.
 * Arrays and tensors are referenced, not copied: they are read when {@link #write} runs.
 */
public final class SafetensorsWriter {
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private record Entry(String name, DType dtype, int[] shape, Payload payload) {
        long byteSize() {
            return Shape.of(shape).size() * dtype.bytes;
        }
    }

    @FunctionalInterface
    private interface Payload {
        void writeTo(Sink sink) throws IOException;
    }

    /** Adds {@code key: value} to {@code __metadata__} (replacing an earlier value of the key). */
    public SafetensorsWriter metadata(String key, String value) {
        if (key == null || value == null) throw new IllegalArgumentException("metadata keys and values must be non-null");
        metadata.put(key, value);
        return this;
    }

    /** Adds every entry of {@code entries} to {@code __metadata__}, as {@link #metadata(String, String)}. */
    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /**
     * Stores {@code data} as F32 of dimensions {@code shape} (row-major; one add method per dtype).
     *
     * @throws IllegalArgumentException when the name is taken or reserved, or {@code shape} does not hold {@code data.length} values
     */
    public SafetensorsWriter addF32(String name, float[] data, int... shape) {
        return add(name, DType.F32, shape, data.length, sink -> {
            for (float v : data) sink.putFloat(v);
        });
    }

    /** Stores {@code data} rounded to bf16 (nearest even, {@link Float16s#floatToBf16}); otherwise as {@link #addF32}. */
    public SafetensorsWriter addBf16(String name, float[] data, int... shape) {
        return add(name, DType.BF16, shape, data.length, sink -> {
            for (float v : data) sink.putShort(Float16s.floatToBf16(v));
        });
    }

    /** Stores {@code data} as I64 (PyTorch's dtype for token ids); otherwise as {@link #addF32}. */
    public SafetensorsWriter addI64(String name, long[] data, int... shape) {
        return add(name, DType.I64, shape, data.length, sink -> {
            for (long v : data) sink.putLong(v);
        });
    }

    /** Stores {@code data} as I32 (e.g. masks, ids of a 32-bit producer); otherwise as {@link #addF32}. */
    public SafetensorsWriter addI32(String name, int[] data, int... shape) {
        return add(name, DType.I32, shape, data.length, sink -> {
            for (int v : data) sink.putInt(v);
        });
    }

    /** Stores {@code t} in its own dtype (F32, BF16 or F16), bit for bit. */
    public SafetensorsWriter add(String name, Tensor t) {
        return add(name, t, t.dtype());
    }

    /** Stores {@code t} converted to {@code as} (F32, BF16 or F16); bit-exact when the dtypes match. */
    public SafetensorsWriter add(String name, Tensor t, DType as) {
        if (!as.isFloatTensorType()) throw new IllegalArgumentException("cannot store a Tensor as " + as);
        long n = t.size();
        Payload payload;
        if (as == t.dtype() && !t.isOwned()) {
            payload = sink -> sink.putLittleEndian(t.segment()); // views are little-endian already
        } else {
            payload = switch (as) {
                case F32 -> sink -> { for (long i = 0; i < n; i++) sink.putFloat(t.getFloat(i)); };
                case BF16 -> sink -> { for (long i = 0; i < n; i++) sink.putShort(Float16s.floatToBf16(t.getFloat(i))); };
                default -> sink -> { for (long i = 0; i < n; i++) sink.putShort(Float.floatToFloat16(t.getFloat(i))); };
            };
        }
        return add(name, as, t.shape().dims(), n, payload);
    }

    private SafetensorsWriter add(String name, DType dtype, int[] shape, long length, Payload payload) {
        if (name == null) throw new IllegalArgumentException("tensor name must be non-null");
        if (name.equals(Header.METADATA_KEY)) throw new IllegalArgumentException("'__metadata__' is reserved");
        if (names.contains(name)) throw new IllegalArgumentException("tensor '" + name + "' was already added");
        Shape s = Shape.of(shape); // rejects negative dimensions
        if (s.size() != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + s + " needs " + s.size()
                    + " values, got " + length);
        }
        names.add(name);
        entries.add(new Entry(name, dtype, shape.clone(), payload));
        return this;
    }

    /** Writes the file atomically, replacing {@code file} if it exists. */
    public void write(Path file) throws IOException {
        byte[] header = header();
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                Sink sink = new Sink(channel);
                ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                sink.putRaw(prefix);
                sink.putRaw(ByteBuffer.wrap(header));
                for (Entry e : entries) {
                    long before = sink.written();
                    e.payload().writeTo(sink);
                    if (sink.written() - before != e.byteSize()) {
                        throw new IllegalStateException("tensor '" + e.name() + "' changed size while being written");
                    }
                }
                sink.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            Files.deleteIfExists(temp);
            throw t;
        }
    }

    /**
     * Spec: "N bytes: a JSON UTF-8 string representing the header ... MAY be trailing padded with
     * whitespace (0x20)". We pad so that 8 + N is a multiple of 8, as the reference writer does.
     */
    private byte[] header() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(Header.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            Arrays.stream(e.shape()).forEach(shape::add);
            long end = Math.addExact(offset, e.byteSize());
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        if (padded > Json.MAX_HEADER_BYTES) throw new IllegalStateException("header of " + padded + " bytes is too large");
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Buffered little-endian output to a channel that counts what it wrote. */
    private static final class Sink {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        Sink(FileChannel channel) {
            this.channel = channel;
        }

        long written() {
            return written + buffer.position();
        }

        void putFloat(float v) throws IOException {
            room(4).putFloat(v);
        }

        void putShort(short v) throws IOException {
            room(2).putShort(v);
        }

        void putInt(int v) throws IOException {
            room(4).putInt(v);
        }

        void putLong(long v) throws IOException {
            room(8).putLong(v);
        }

        void putLittleEndian(MemorySegment segment) throws IOException {
            for (long offset = 0; offset < segment.byteSize(); ) {
                int n = (int) Math.min(segment.byteSize() - offset, room(1).remaining());
                MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, buffer.array(), buffer.position(), n);
                buffer.position(buffer.position() + n);
                offset += n;
            }
        }

        void putRaw(ByteBuffer bytes) throws IOException {
            flush();
            while (bytes.hasRemaining()) written += channel.write(bytes);
        }

        private ByteBuffer room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) flush();
            return buffer;
        }

        void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) written += channel.write(buffer);
            buffer.clear();
        }
    }
}
