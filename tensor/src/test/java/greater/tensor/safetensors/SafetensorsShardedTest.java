package greater.tensor.safetensors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static greater.tensor.safetensors.SafetensorsTestFiles.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** ShardedSafetensors and TensorSource.open over a two-shard model folder. */
class SafetensorsShardedTest {
    private static final String S1 = "model-00001-of-00002.safetensors";
    private static final String S2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;
    Path index;

    @BeforeEach
    void twoShards() throws IOException {
        new SafetensorsWriter().metadata("format", "pt")
                .addF32("embed", new float[]{1, 2, 3, 4}, 2, 2)
                .addI64("ids", new long[]{5, 6}, 2)
                .write(dir.resolve(S1));
        new SafetensorsWriter().metadata("format", "pt")
                .addBf16("head", new float[]{0.5f, -1f}, 1, 2)
                .addF32("unmapped", new float[]{9}, 1)
                .write(dir.resolve(S2));
        index = writeIndex("""
                {"metadata": {"total_size": 36, "note": "test"},
                 "weight_map": {"head": "%s", "embed": "%s", "ids": "%s"}}""".formatted(S2, S1, S1));
    }

    private Path writeIndex(String json) throws IOException {
        return Files.writeString(dir.resolve(ShardedSafetensors.INDEX_NAME), json);
    }

    @Test
    void readsAcrossShardsInWeightMapOrder() throws IOException {
        try (ShardedSafetensors m = ShardedSafetensors.open(index)) {
            assertEquals(List.of("head", "embed", "ids"), List.copyOf(m.names()));
            assertEquals(Map.of("total_size", "36", "note", "test"), m.metadata());
            assertEquals(2, m.shards().size());
            assertArrayEquals(new float[]{1, 2, 3, 4}, m.tensor("embed").toFloatArray());
            assertArrayEquals(new float[]{0.5f, -1f}, m.tensor("head").toFloatArray());
            assertArrayEquals(new long[]{5, 6}, m.longs("ids"));
            assertEquals(8, m.bytes("head").byteSize() * 2);
            assertEquals(dir.resolve(S2).toAbsolutePath(), m.fileOf("head"));
            assertEquals(0, m.info("head").begin());
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> m.tensor("unmapped")),
                    ShardedSafetensors.INDEX_NAME, "no tensor named 'unmapped'");
        }
    }

    @Test
    void openFolderPrefersSingleFileThenIndex() throws IOException {
        try (TensorSource s = TensorSource.open(dir)) {
            assertInstanceOf(ShardedSafetensors.class, s);
            assertEquals(3, s.names().size());
        }
        try (TensorSource s = TensorSource.open(index)) {
            assertInstanceOf(ShardedSafetensors.class, s);
        }
        try (TensorSource s = TensorSource.open(dir.resolve(S1))) {
            assertInstanceOf(SafetensorsFile.class, s);
        }
        new SafetensorsWriter().addF32("w", new float[]{1}, 1).write(dir.resolve("model.safetensors"));
        try (TensorSource s = TensorSource.open(dir)) {
            assertInstanceOf(SafetensorsFile.class, s);
            assertEquals(List.of("w"), List.copyOf(s.names()));
        }
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(NoSuchFileException.class, () -> TensorSource.open(empty));
    }

    @Test
    void missingShardFile() throws IOException {
        writeIndex("{\"weight_map\": {\"embed\": \"" + S1 + "\", \"x\": \"model-00003-of-00003.safetensors\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "shard 'model-00003-of-00003.safetensors' (for tensor 'x') does not exist");
    }

    @Test
    void indexNamesATensorNotInItsShard() throws IOException {
        writeIndex("{\"weight_map\": {\"embed\": \"" + S2 + "\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "tensor 'embed' in shard '" + S2 + "', which has no such tensor");
    }

    @Test
    void shardOutsideTheFolder() throws IOException {
        writeIndex("{\"weight_map\": {\"embed\": \"../" + S1 + "\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "not a file name inside the index's folder");
        writeIndex("{\"weight_map\": {\"embed\": \"" + dir.resolve(S1).toAbsolutePath() + "\"}}");
        assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index));
    }

    /** Issue 14: a folder given as a path with ".." (e.g. --model ../../models/x) loads like its absolute path. */
    @Test
    void folderGivenThroughDotDotLoads() throws IOException {
        Path viaDotDot = Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath()).resolve(ShardedSafetensors.INDEX_NAME);
        org.junit.jupiter.api.Assertions.assertTrue(viaDotDot.toString().contains(".."), viaDotDot.toString());
        try (ShardedSafetensors m = ShardedSafetensors.open(viaDotDot)) {
            assertArrayEquals(new float[]{0.5f, -1f}, m.tensor("head").toFloatArray());
        }
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path viaSub = sub.resolve("..").resolve(ShardedSafetensors.INDEX_NAME);
        try (ShardedSafetensors m = ShardedSafetensors.open(viaSub)) {
            assertEquals(3, m.names().size());
        }
    }

    /** Issue 14: with such a path and a genuinely missing shard, the error names that shard. */
    @Test
    void missingShardThroughDotDotIsNamed() throws IOException {
        Files.delete(dir.resolve(S2));
        Path viaDotDot = Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath()).resolve(ShardedSafetensors.INDEX_NAME);
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(viaDotDot)),
                ShardedSafetensors.INDEX_NAME, "shard '" + S2 + "' (for tensor 'head') does not exist");
    }

    /** Shard names are plain file names: no path, however written, leaves the folder. */
    @Test
    void shardNamesNeverEscapeTheFolder() throws IOException {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.copy(dir.resolve(S1), outside.resolve(S1));
        Files.createSymbolicLink(model.resolve("linked"), outside);
        for (String name : List.of("../outside/" + S1, outside.resolve(S1).toAbsolutePath().toString(), "linked/" + S1,
                "./" + S1, "..", ".", "", "sub\\..\\" + S1, "a\u0000b")) {
            Path idx = Files.writeString(model.resolve(ShardedSafetensors.INDEX_NAME),
                    "{\"weight_map\": {\"embed\": " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(name) + "}}");
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(idx), name),
                    ShardedSafetensors.INDEX_NAME, "not a file name inside the index's folder");
        }
        // The Hugging Face cache layout: the shard file itself is a link to a blob elsewhere; that loads.
        Files.createSymbolicLink(model.resolve(S1), outside.resolve(S1));
        Path idx = Files.writeString(model.resolve(ShardedSafetensors.INDEX_NAME), "{\"weight_map\": {\"embed\": \"" + S1 + "\"}}");
        try (ShardedSafetensors m = ShardedSafetensors.open(idx)) {
            assertArrayEquals(new float[]{1, 2, 3, 4}, m.tensor("embed").toFloatArray());
        }
    }

    @Test
    void corruptShardIsReportedByItsOwnName() throws IOException {
        Files.write(dir.resolve(S2), new byte[3]);
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                S2, "shorter than the 8-byte header length");
    }

    @Test
    void malformedIndex() throws IOException {
        writeIndex("[\"" + S1 + "\"]");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "index is a JSON array, not an object");
        writeIndex("{\"metadata\": {}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "no \"weight_map\" object");
        writeIndex("{\"weight_map\": {\"embed\": 1}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "weight_map entry for tensor 'embed' is a JSON number");
        writeIndex("{\"weight_map\": {\"embed\": \"" + S1 + "\", \"embed\": \"" + S2 + "\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "Duplicate field 'embed'");
        writeIndex("{\"weight_map\": {\"embed\": \"" + S1 + "\"");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> ShardedSafetensors.open(index)),
                ShardedSafetensors.INDEX_NAME, "index is not valid JSON");
    }
}
