package greater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import greater.optimizer.run.RunFolder;
import greater.optimizer.run.RunFolderException;
import greater.optimizer.task.Datasets;
import greater.optimizer.task.TaskFormatException;
import greater.tensor.safetensors.SafetensorsFile;
import greater.tensor.safetensors.SafetensorsFormatException;
import greater.tensor.safetensors.SafetensorsWriter;
import greater.tensor.safetensors.ShardedSafetensors;
import greater.transformer.config.ModelConfig;
import greater.transformer.config.ModelConfigException;
import greater.transformer.tokenizer.Tokenizer;
import greater.transformer.tokenizer.TokenizerException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input, measured (issue 14): every file format a user hands the program is mutated
 * {@value #CASES} times with a fixed seed (bit flips, truncation, huge and negative numbers,
 * wrong JSON types, removed keys, deep nesting, invalid UTF-8, a 10 MB single line, spliced and
 * punctuated text), and reading it must either succeed or throw that format's documented error
 * (a {@code UserInputException} subtype, one line) and nothing else: no other exception, no
 * out-of-memory error, no case slower than {@link #WORST_CASE}. The figures (cases, accepted,
 * refused, worst time) are printed at the end.
 */
class HostileInputFuzzTest {
    static final int CASES = 10_000;
    static final long SEED = 20261130L;
    static final Duration WORST_CASE = Duration.ofSeconds(5);
    static final Duration PER_FORMAT = Duration.ofSeconds(150);
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FIGURES = new ArrayList<>();

    @TempDir
    static Path tmp;
    /** Where mutated files are written: a memory file system when there is one (10,000 writes to a busy disk take minutes). */
    static Path work;

    @BeforeAll
    static void workFolder() throws Exception {
        Path shm = Path.of("/dev/shm");
        work = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "greater-fuzz-") : tmp;
    }

    /** Reads one mutated file; returns normally when it is accepted. */
    interface Reader {
        void read(Path file) throws Exception;
    }

    @AfterAll
    static void printFigures() throws Exception {
        if (!work.equals(tmp)) {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        System.out.println("hostile input (seed " + SEED + "):");
        FIGURES.forEach(f -> System.out.println("  " + f));
    }

    /** Mutates {@code seed} {@value #CASES} times into {@code dir/name}; each read succeeds or throws {@code expected}. */
    static void fuzz(String format, byte[] seed, Path dir, String name, Class<? extends Throwable> expected, Mutator mutator, Reader reader)
            throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Random random = new Random(SEED ^ format.hashCode());
        int[] accepted = {0};
        long[] worst = {0};
        String[] worstKind = {""};
        long start = System.nanoTime();
        assertTimeoutPreemptively(PER_FORMAT, () -> {
            for (int i = 0; i < CASES; i++) {
                Mutation m = mutator.mutate(seed, random, i);
                Files.write(file, m.bytes());
                long t0 = System.nanoTime();
                try {
                    reader.read(file);
                    accepted[0]++;
                } catch (Throwable t) {
                    if (!expected.isInstance(t)) {
                        throw new AssertionError(format + " case " + i + " (" + m.kind() + ") threw " + t + "; input starts "
                                + new String(Arrays.copyOf(m.bytes(), Math.min(300, m.bytes().length)), StandardCharsets.ISO_8859_1), t);
                    }
                    String msg = t.getMessage();
                    assertTrue(msg != null && !msg.isBlank() && !msg.contains("\n"), format + " case " + i + " (" + m.kind() + "): message not one line: " + msg);
                }
                long ns = System.nanoTime() - t0;
                if (ns > worst[0]) {
                    worst[0] = ns;
                    worstKind[0] = m.kind();
                }
            }
        });
        assertTrue(worst[0] < WORST_CASE.toNanos(), format + ": worst case took " + worst[0] / 1e6 + " ms (" + worstKind[0] + ")");
        FIGURES.add(String.format(Locale.ROOT, "%-18s %,d cases in %.1f s: %,d accepted, %,d refused with %s; worst %.1f ms (%s)",
                format, CASES, (System.nanoTime() - start) / 1e9, accepted[0], CASES - accepted[0], expected.getSimpleName(),
                worst[0] / 1e6, worstKind[0]));
    }

    record Mutation(String kind, byte[] bytes) {
    }

    interface Mutator {
        Mutation mutate(byte[] seed, Random random, int i);
    }

    // ---------------------------------------------------------------- mutations

    static final String[] HOSTILE_NUMBERS = {"99999999999999999999999999999", "1e308", "-1e308", "-1", "0", "2147483648", "-2147483649",
            "9223372036854775807", "-9223372036854775808", "1.5", "1e-320", "4294967296", "65536", "1" + "0".repeat(400)};

    /** A mutation of a text/JSON file: structural ones when it parses as JSON, byte-level ones always. */
    static Mutation mutateText(byte[] seed, Random r, int i) {
        if (i % 2500 == 1249) return hugeLine(seed, r);
        int kind = r.nextInt(12);
        return switch (kind) {
            case 0 -> new Mutation("bit flips", bitFlips(seed, r));
            case 1 -> new Mutation("truncation", Arrays.copyOf(seed, r.nextInt(seed.length + 1)));
            case 2, 3, 4 -> jsonValue(seed, r);
            case 5 -> removeKey(seed, r);
            case 6 -> new Mutation("deep nesting", insert(seed, r.nextInt(seed.length + 1), deep(r)));
            case 7 -> new Mutation("invalid UTF-8", insert(seed, afterQuote(seed, r), invalidUtf8(r)));
            case 8 -> new Mutation("splice", splice(seed, r));
            case 9 -> new Mutation("punctuation", punctuate(seed, r));
            case 10 -> new Mutation("number", replaceNumber(seed, r));
            default -> new Mutation("empty or blank", r.nextBoolean() ? new byte[0] : " \n\t\n".getBytes(StandardCharsets.UTF_8));
        };
    }

    static byte[] bitFlips(byte[] seed, Random r) {
        byte[] b = seed.clone();
        if (b.length == 0) return b;
        for (int k = 1 + r.nextInt(8); k > 0; k--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
    }

    static byte[] insert(byte[] seed, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(seed.length + what.length);
        out.write(seed, 0, at);
        out.writeBytes(what);
        out.write(seed, at, seed.length - at);
        return out.toByteArray();
    }

    static byte[] deep(Random r) {
        int depth = r.nextBoolean() ? 2000 + r.nextInt(3000) : 100_000;
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        return (open.repeat(depth) + "1" + (open.equals("[") ? "]" : "}").repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] invalidUtf8(Random r) {
        byte[][] forms = {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}, {(byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {0}};
        return forms[r.nextInt(forms.length)];
    }

    static int afterQuote(byte[] seed, Random r) {
        for (int tries = 0; tries < 50; tries++) {
            int at = r.nextInt(seed.length + 1);
            if (at > 0 && seed[at - 1] == '"') return at;
        }
        return r.nextInt(seed.length + 1);
    }

    static byte[] splice(byte[] seed, Random r) {
        if (seed.length == 0) return seed;
        int from = r.nextInt(seed.length), len = 1 + r.nextInt(Math.min(200, seed.length - from));
        return insert(seed, r.nextInt(seed.length + 1), Arrays.copyOfRange(seed, from, from + len));
    }

    static byte[] punctuate(byte[] seed, Random r) {
        String marks = "{}[],:\"\\0123456789-.eE \n\r\t";
        byte[] b = seed;
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            b = insert(b, r.nextInt(b.length + 1), new byte[]{(byte) marks.charAt(r.nextInt(marks.length()))});
        }
        return b;
    }

    static byte[] replaceNumber(byte[] seed, Random r) {
        String s = new String(seed, StandardCharsets.ISO_8859_1);
        List<int[]> runs = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?").matcher(s);
        while (m.find()) runs.add(new int[]{m.start(), m.end()});
        if (runs.isEmpty()) return bitFlips(seed, r);
        int[] run = runs.get(r.nextInt(runs.size()));
        String with = HOSTILE_NUMBERS[r.nextInt(HOSTILE_NUMBERS.length)];
        return (s.substring(0, run[0]) + with + s.substring(run[1])).getBytes(StandardCharsets.ISO_8859_1);
    }

    static Mutation hugeLine(byte[] seed, Random r) {
        byte[] line = new byte[10 * 1024 * 1024];
        Arrays.fill(line, (byte) 'a');
        if (r.nextBoolean()) return new Mutation("10 MB single line", line);
        // Inside a string value: a 10 MB key, question or token.
        return new Mutation("10 MB string value", insert(seed, afterQuote(seed, r), line));
    }

    /** Replaces a random JSON node by a value of another type, a hostile number or a deep/long one. */
    static Mutation jsonValue(byte[] seed, Random r) {
        JsonNode root;
        try {
            root = JSON.readTree(seed);
        } catch (Exception e) {
            return new Mutation("bit flips", bitFlips(seed, r));
        }
        if (root == null || !root.isContainerNode()) return new Mutation("bit flips", bitFlips(seed, r));
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode parent = containers.get(r.nextInt(containers.size()));
        if (parent.isEmpty()) return new Mutation("bit flips", bitFlips(seed, r));
        JsonNode value = hostileValue(r);
        if (parent instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            o.set(names.get(r.nextInt(names.size())), value);
        } else {
            ((ArrayNode) parent).set(r.nextInt(parent.size()), value);
        }
        try {
            return new Mutation("wrong type or value", JSON.writeValueAsBytes(root));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void collect(JsonNode n, List<JsonNode> out) {
        if (!n.isContainerNode()) return;
        out.add(n);
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) collect(it.next(), out);
    }

    static JsonNode hostileValue(Random r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (r.nextInt(11)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(r.nextBoolean());
            case 2 -> f.textNode(r.nextBoolean() ? "" : "x".repeat(r.nextInt(5000)));
            case 3 -> f.arrayNode();
            case 4 -> f.objectNode();
            case 5 -> f.numberNode(new java.math.BigInteger(HOSTILE_NUMBERS[0]));
            case 6 -> f.numberNode(r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
            case 7 -> f.numberNode(r.nextBoolean() ? -1 : Integer.MAX_VALUE);
            case 8 -> f.numberNode(r.nextBoolean() ? 1e308 : -0.5);
            case 9 -> f.arrayNode().add(f.arrayNode().add(1)).add("a");
            default -> f.textNode("../../../../etc/passwd");
        };
    }

    static Mutation removeKey(byte[] seed, Random r) {
        try {
            JsonNode root = JSON.readTree(seed);
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            List<ObjectNode> objects = containers.stream().filter(n -> n instanceof ObjectNode && !n.isEmpty()).map(n -> (ObjectNode) n).toList();
            if (objects.isEmpty()) return new Mutation("truncation", Arrays.copyOf(seed, r.nextInt(seed.length + 1)));
            ObjectNode o = objects.get(r.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            o.remove(names.get(r.nextInt(names.size())));
            return new Mutation("removed key", JSON.writeValueAsBytes(root));
        } catch (Exception e) {
            return new Mutation("bit flips", bitFlips(seed, r));
        }
    }

    /** Safetensors: the 8-byte header length, the JSON header (structurally), or the body. */
    static Mutation mutateSafetensors(byte[] seed, Random r, int i) {
        long headerLength = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] header = Arrays.copyOfRange(seed, 8, 8 + (int) headerLength);
        byte[] body = Arrays.copyOfRange(seed, 8 + (int) headerLength, seed.length);
        int kind = r.nextInt(6);
        if (kind == 0) {
            long[] lengths = {Long.MAX_VALUE, -1, 0, 1L << 40, headerLength + 1, headerLength - 1, seed.length, 100_000_001};
            byte[] b = seed.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(lengths[r.nextInt(lengths.length)]);
            return new Mutation("header length", b);
        }
        if (kind == 1) return new Mutation("body bit flips or truncation", r.nextBoolean() ? bitFlips(seed, r) : Arrays.copyOf(seed, r.nextInt(seed.length + 1)));
        Mutation h = mutateText(header, r, i);
        boolean fixLength = r.nextInt(4) != 0;
        ByteBuffer out = ByteBuffer.allocate(8 + h.bytes().length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(fixLength ? h.bytes().length : headerLength).put(h.bytes()).put(body);
        return new Mutation("header: " + h.kind(), out.array());
    }

    // ---------------------------------------------------------------- formats

    @Test
    void safetensorsHeadersAndBodies() throws Exception {
        Path dir = work.resolve("safetensors");
        Files.createDirectories(dir);
        Path valid = dir.resolve("valid.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .addF32("w", new float[]{1, 2, 3, 4, 5, 6}, 2, 3)
                .addBf16("b", new float[]{0.5f, -1f}, 2)
                .addI64("ids", new long[]{1, 2, 3}, 3)
                .write(valid);
        fuzz("safetensors", Files.readAllBytes(valid), dir, "model.safetensors", SafetensorsFormatException.class,
                HostileInputFuzzTest::mutateSafetensors, file -> {
                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        for (String name : f.names()) {
                            f.bytes(name).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                            if (f.info(name).dtype().isFloatTensorType()) f.tensor(name).toFloatArray();
                        }
                    }
                });
    }

    @Test
    void safetensorsIndex() throws Exception {
        Path dir = work.resolve("sharded");
        Files.createDirectories(dir);
        new SafetensorsWriter().addF32("a", new float[]{1, 2}, 2).write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().addF32("b", new float[]{3}, 1).write(dir.resolve("model-00002-of-00002.safetensors"));
        byte[] index = """
                {"metadata": {"total_size": 12}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}
                """.getBytes(StandardCharsets.UTF_8);
        fuzz("safetensors index", index, dir, ShardedSafetensors.INDEX_NAME, SafetensorsFormatException.class,
                HostileInputFuzzTest::mutateText, file -> {
                    try (ShardedSafetensors s = ShardedSafetensors.open(file)) {
                        for (String name : s.names()) {
                            s.tensor(name).toFloatArray();
                            assertTrue(s.fileOf(name).startsWith(dir.toRealPath()), "a shard outside the folder: " + s.fileOf(name));
                        }
                    }
                });
    }

    @Test
    void configJson() throws Exception {
        Path dir = work.resolve("config");
        byte[] seed = Files.readAllBytes(CommandsTest.FIXTURES.resolve("llama/config.json"));
        fuzz("config.json", seed, dir, "config.json", ModelConfigException.class, HostileInputFuzzTest::mutateText,
                file -> ModelConfig.load(file.getParent()));
    }

    @Test
    void tokenizerJson() throws Exception {
        Path dir = work.resolve("tokenizer");
        byte[] seed = Files.readAllBytes(Path.of("src/main/resources/demo-model/tokenizer.json"));
        fuzz("tokenizer.json", seed, dir, "tokenizer.json", TokenizerException.class, HostileInputFuzzTest::mutateText, file -> {
            Tokenizer t = Tokenizer.load(file);
            int[] ids = t.encode("Evaluate (2 + 5) * -7. Use think step by step.");
            t.decode(ids);
        });
    }

    @Test
    void datasetFiles() throws Exception {
        Path resources = Path.of("../optimizer/src/test/resources/task");
        fuzz("dataset .jsonl", Files.readAllBytes(resources.resolve("gsm8k_sample.jsonl")), work.resolve("jsonl"), "data.jsonl",
                TaskFormatException.class, HostileInputFuzzTest::mutateText, Datasets::read);
        fuzz("dataset .json", Files.readAllBytes(resources.resolve("bbh_sample.json")), work.resolve("json"), "data.json",
                TaskFormatException.class, HostileInputFuzzTest::mutateText, Datasets::read);
        byte[] csv = """
                goal,target,final_target
                "Is 3 > 2? Options: (A) yes (B) no",(A),A
                "How many legs, in all, do 2 cats have?",8,8
                plain question without quotes,yes,yes
                """.getBytes(StandardCharsets.UTF_8);
        fuzz("dataset .csv", csv, work.resolve("csv"), "data.csv", TaskFormatException.class, HostileInputFuzzTest::mutateText, Datasets::read);
    }

    @Test
    void runFolderFiles() throws Exception {
        Path run = tmp.resolve("run");
        CommandsTest.Run r = CommandsTest.run("optimize", "--quiet", "--steps", "2", "--train", "2", "--test", "1", "--max-reasoning-tokens", "4",
                "--candidates", "2", "--topk", "6", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        RunFolder.Recorded recorded = new RunFolder(run).recorded();
        int vocab = JSON.readTree(Path.of("src/main/resources/demo-model/config.json").toFile()).get("vocab_size").asInt();
        int steps = recorded.settings().steps();

        Path runJson = work.resolve("runjson");
        fuzz("run.json", Files.readAllBytes(run.resolve("run.json")), runJson, "run.json", RunFolderException.class,
                HostileInputFuzzTest::mutateText, file -> {
                    RunFolder.Recorded rec = new RunFolder(file.getParent()).recorded();
                    assertFalse(rec.settings() == null || rec.initialPrompt() == null);
                });
        Path checkpoint = work.resolve("checkpoint");
        fuzz("checkpoint.json", Files.readAllBytes(run.resolve("checkpoint.json")), checkpoint, "checkpoint.json", RunFolderException.class,
                HostileInputFuzzTest::mutateText, file -> new RunFolder(file.getParent()).checkpoint(vocab, steps));
    }
}
