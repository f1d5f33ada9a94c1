package greater.tensor.safetensors;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

import static greater.tensor.safetensors.SafetensorsFormatException.quote;

/**
 * One memory-mapped safetensors file (any size: segments, not ByteBuffers). {@link #open} checks
 * the whole header before returning, so every later read stays inside the file; a file that breaks
 * the format fails there with a {@link SafetensorsFormatException}, never with an out-of-bounds
 * error, and no allocation is sized by an unchecked length. The header is read with plain reads;
 * only the data section of a valid file is mapped. The mapping lives in a shared arena:
 * views may be read from any thread until {@link #close()}.
 */
public final class SafetensorsFile implements TensorSource {
    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Header header;
    private volatile boolean closed;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, Header header) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.header = header;
    }

    /**
     * Maps and validates {@code path}.
     *
     * @throws SafetensorsFormatException if the content breaks the format
     * @throws IOException                if the file cannot be opened or mapped
     */
    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            Header header = readHeader(path, size, (position, length) -> {
                ByteBuffer buffer = ByteBuffer.allocate(length);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, position + buffer.position()) < 0) {
                        throw new EOFException(path + ": file shrank while being read");
                    }
                }
                return buffer.array();
            });
            // Only a valid file gets mapped.
            Arena arena = Arena.ofShared();
            try {
                long dataSize = size - header.dataOffset();
                MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), dataSize, arena);
                return new SafetensorsFile(path, arena, data, header);
            } catch (Throwable t) {
                arena.close();
                throw t;
            }
        }
    }

    /**
     * Validates a whole file already in memory ({@code name} is only used in messages); the result
     * reads slices of {@code file} and its close() does nothing.
     */
    static SafetensorsFile of(Path name, MemorySegment file) {
        try {
            Header header = readHeader(name, file.byteSize(),
                    (position, length) -> file.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE));
            return new SafetensorsFile(name, null, file.asSlice(header.dataOffset()), header);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reached: memory reads do not fail
        }
    }

    private interface ByteReader {
        /** Exactly {@code length} bytes at {@code position}; the caller checked they are in the file. */
        byte[] read(long position, int length) throws IOException;
    }

    private static Header readHeader(Path path, long size, ByteReader reader) throws IOException {
        // Spec: the file starts with "8 bytes: N, an unsigned little-endian 64-bit integer".
        if (size < 8) {
            throw new SafetensorsFormatException(path, "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        long n = ByteBuffer.wrap(reader.read(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Spec: the header is at most 100MB (to prevent DOS); N must also fit in the file.
        if (n < 0 || n > Json.MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(path, "header length " + Long.toUnsignedString(n)
                    + " is over the format's limit of " + Json.MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafetensorsFormatException(path, "header length " + n + " exceeds the " + (size - 8)
                    + " bytes after the 8-byte length");
        }
        return Header.parse(path, reader.read(8, (int) n), size - 8 - n);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Set<String> names() {
        return header.tensors().keySet();
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new SafetensorsFormatException(path, "no tensor named " + quote(String.valueOf(name))
                    + " (the file has " + header.tensors().size() + ")");
        }
        return info;
    }

    @Override
    public Path fileOf(String name) {
        info(name);
        return path;
    }

    @Override
    public MemorySegment bytes(String name) {
        TensorInfo info = info(name);
        if (closed) throw new IllegalStateException(path + ": closed");
        return data.asSlice(info.begin(), info.byteSize());
    }

    /** Size of the data section (everything after the header); tests check the layout with it. */
    long dataSize() {
        return data.byteSize();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (arena != null) arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
    }
}
