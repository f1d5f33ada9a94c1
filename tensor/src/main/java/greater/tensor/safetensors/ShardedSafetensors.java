package greater.tensor.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static greater.tensor.safetensors.SafetensorsFormatException.quote;

/**
 * A model split over several safetensors files by a Hugging Face index,
 * {@code {"metadata": {...}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", ...}}}.
 * {@link #open} maps every shard named by the index (plain file names in the index's folder, never
 * a path outside it) and checks that each mapped tensor is in its shard, so later lookups cannot fail
 * for a name in {@link #names()}. Tensors a shard holds but the weight_map omits are not exposed.
 */
public final class ShardedSafetensors implements TensorSource {
    public static final String INDEX_NAME = "model.safetensors.index.json";

    private final Path index;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsFile> shardOf;   // tensor name -> its shard, weight_map order
    private final List<SafetensorsFile> shards;

    private ShardedSafetensors(Path index, Map<String, String> metadata,
                               Map<String, SafetensorsFile> shardOf, List<SafetensorsFile> shards) {
        this.index = index;
        this.metadata = metadata;
        this.shardOf = shardOf;
        this.shards = shards;
    }

    /**
     * Opens an index file and all its shards.
     *
     * @throws SafetensorsFormatException if the index or a shard breaks the format, a shard is
     *                                    missing, or a shard lacks a tensor the index maps to it
     * @throws IOException                on other I/O failures
     */
    public static ShardedSafetensors open(Path index) throws IOException {
        long size = Files.size(index);
        if (size > Json.MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(index, "index is " + size + " bytes, over the "
                    + Json.MAX_HEADER_BYTES + "-byte limit");
        }
        ObjectNode root = Json.parseObject(index, "index", Files.readAllBytes(index));
        Map<String, String> metadata = metadata(index, root.get("metadata"));
        Map<String, String> weightMap = weightMap(index, root.get("weight_map"));

        // The folder as the file system resolves it, so "../../models/x" and "/models/x" are one folder.
        Path folder = index.toAbsolutePath().getParent().toRealPath();
        Map<String, SafetensorsFile> byShardName = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                SafetensorsFile shard = byShardName.get(e.getValue());
                if (shard == null) {
                    shard = SafetensorsFile.open(shardPath(index, folder, e.getKey(), e.getValue()));
                    byShardName.put(e.getValue(), shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new SafetensorsFormatException(index, "weight_map puts tensor " + quote(e.getKey())
                            + " in shard " + quote(e.getValue()) + ", which has no such tensor");
                }
                shardOf.put(e.getKey(), shard);
            }
            return new ShardedSafetensors(index, metadata, Collections.unmodifiableMap(shardOf),
                    List.copyOf(byShardName.values()));
        } catch (Throwable t) {
            byShardName.values().forEach(SafetensorsFile::close);
            throw t;
        }
    }

    /**
     * A shard file named by the weight_map: a plain file name (Hugging Face writes nothing else) of
     * an existing file in the index's folder. With no directory part allowed, neither {@code ..}, an
     * absolute path nor a symbolic link to a directory inside the folder can lead a hostile index
     * elsewhere. The shard file itself may be a symbolic link: the Hugging Face cache links every
     * snapshot file to a blob outside the snapshot folder.
     */
    private static Path shardPath(Path index, Path folder, String tensor, String shard) {
        boolean plainName = !shard.isEmpty() && !shard.equals(".") && !shard.equals("..")
                && shard.indexOf('/') < 0 && shard.indexOf('\\') < 0 && shard.indexOf('\0') < 0;
        Path resolved = null;
        if (plainName) {
            try {
                Path name = Path.of(shard);
                if (!name.isAbsolute() && name.getNameCount() == 1) resolved = folder.resolve(name);
            } catch (InvalidPathException e) {
                resolved = null;
            }
        }
        if (resolved == null) {
            throw new SafetensorsFormatException(index, "weight_map names shard " + quote(shard) + " for tensor "
                    + quote(tensor) + ", which is not a file name inside the index's folder");
        }
        if (!Files.isRegularFile(resolved)) {
            throw new SafetensorsFormatException(index, "shard " + quote(shard) + " (for tensor " + quote(tensor)
                    + ") does not exist in " + folder);
        }
        return resolved;
    }

    private static Map<String, String> weightMap(Path index, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new SafetensorsFormatException(index, "index has no \"weight_map\" object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(index, "weight_map entry for tensor " + quote(e.getKey())
                        + " is a JSON " + Json.kind(e.getValue()) + ", not a shard file name");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** The index's optional "metadata": scalars as text (e.g. "total_size"), others as JSON. */
    private static Map<String, String> metadata(Path index, JsonNode node) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new SafetensorsFormatException(index, "index \"metadata\" is a JSON " + Json.kind(node)
                    + ", not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Path path() {
        return index;
    }

    /** The shard files in order of first mention in the weight_map. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    @Override
    public Set<String> names() {
        return shardOf.keySet();
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    @Override
    public Path fileOf(String name) {
        return shard(name).path();
    }

    @Override
    public MemorySegment bytes(String name) {
        return shard(name).bytes(name);
    }

    private SafetensorsFile shard(String name) {
        SafetensorsFile shard = shardOf.get(name);
        if (shard == null) {
            throw new SafetensorsFormatException(index, "no tensor named " + quote(String.valueOf(name))
                    + " in the weight_map (it has " + shardOf.size() + ")");
        }
        return shard;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "ShardedSafetensors[" + index + ", " + shards.size() + " shards, " + shardOf.size() + " tensors]";
    }
}
