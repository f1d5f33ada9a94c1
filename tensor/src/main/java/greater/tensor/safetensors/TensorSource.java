package greater.tensor.safetensors;

import greater.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors read from safetensors storage: one {@link SafetensorsFile} or the shards of a
 * {@link ShardedSafetensors} model. Segments and tensor views returned here are zero-copy slices
 * of memory-mapped files; they stay valid until {@link #close()}, after which touching them throws
 * {@link IllegalStateException}. Instances may be read from many threads at once.
 * Asking for a name that is not in {@link #names()} throws {@link SafetensorsFormatException}.
 */
public interface TensorSource extends AutoCloseable {

    /**
     * Opens a model: a folder holding {@code model.safetensors} (preferred) or
     * {@code model.safetensors.index.json}, an index file ({@code *.json}), or a single
     * {@code .safetensors} file.
     */
    static TensorSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path single = path.resolve("model.safetensors");
            if (Files.exists(single)) return SafetensorsFile.open(single);
            Path index = path.resolve(ShardedSafetensors.INDEX_NAME);
            if (Files.exists(index)) return ShardedSafetensors.open(index);
            throw new NoSuchFileException(path.toString(), null,
                    "folder holds neither model.safetensors nor " + ShardedSafetensors.INDEX_NAME);
        }
        String name = String.valueOf(path.getFileName());
        return name.endsWith(".json") ? ShardedSafetensors.open(path) : SafetensorsFile.open(path);
    }

    /** The file this source was opened from: the safetensors file itself, or the index. */
    Path path();

    /** Tensor names in header (or weight_map) order. */
    Set<String> names();

    /** Free-form string metadata: a file's {@code __metadata__}, or an index's {@code metadata}. */
    Map<String, String> metadata();

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** The header entry of {@code name}; its offsets are relative to the data of {@link #fileOf}. */
    TensorInfo info(String name);

    /** The safetensors file that stores {@code name}. */
    Path fileOf(String name);

    /** The raw little-endian bytes of {@code name}, whatever its dtype (read-only, zero-copy). */
    MemorySegment bytes(String name);

    /** A zero-copy view of an F32, BF16 or F16 tensor; other dtypes throw (use {@link #bytes}). */
    default Tensor tensor(String name) {
        return Views.tensor(fileOf(name), info(name), bytes(name));
    }

    /** The values of an integer tensor (I64, I32, I16, I8, U32, U16, U8), e.g. token ids. */
    default long[] longs(String name) {
        return Views.longs(fileOf(name), info(name), bytes(name));
    }

    /** Like {@link #longs}, but every value must fit in an int. */
    default int[] ints(String name) {
        return Views.ints(fileOf(name), info(name), bytes(name));
    }

    /** Unmaps the file(s); idempotent. Views handed out before become unusable. */
    @Override
    void close();
}
