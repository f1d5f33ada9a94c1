package greater.tensor.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built safetensors bytes for the tests. */
final class SafetensorsTestFiles {
    private SafetensorsTestFiles() {
    }

    /** 8-byte little-endian {@code headerLength}, then {@code rest} verbatim. */
    static byte[] raw(long headerLength, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength).put(rest).array();
    }

    /** A file with the given JSON header (unpadded) followed by {@code data}. */
    static byte[] file(String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        byte[] rest = new byte[header.length + data.length];
        System.arraycopy(header, 0, rest, 0, header.length);
        System.arraycopy(data, 0, rest, header.length, data.length);
        return raw(header.length, rest);
    }

    /** A file with the given JSON header followed by {@code dataBytes} zero bytes. */
    static byte[] file(String headerJson, int dataBytes) {
        return file(headerJson, new byte[dataBytes]);
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Opens {@code bytes} as a file and expects a one-line format error naming it and {@code fragments}. */
    static SafetensorsFormatException assertCorrupt(Path dir, String name, byte[] bytes, String... fragments)
            throws IOException {
        Path file = write(dir, name, bytes);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                throw new AssertionError("opened a corrupt file: " + f.names());
            }
        });
        assertMessage(e, name, fragments);
        return e;
    }

    static void assertMessage(SafetensorsFormatException e, String fileName, String... fragments) {
        String m = e.getMessage();
        assertTrue(m.contains(fileName), () -> "message does not name " + fileName + ": " + m);
        for (String f : fragments) assertTrue(m.contains(f), () -> "message lacks '" + f + "': " + m);
        assertFalse(m.contains("\n"), () -> "message spans lines: " + m);
    }
}
