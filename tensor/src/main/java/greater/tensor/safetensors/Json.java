package greater.tensor.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Strict JSON for safetensors headers and index files: the bytes must be valid UTF-8 (checked here,
 * not guessed by Jackson's encoding detection), hold exactly one JSON object and nothing after it
 * but whitespace, and no object may repeat a key. Every failure is a {@link SafetensorsFormatException}.
 */
final class Json {
    /** The reference implementation's MAX_HEADER_SIZE; we apply it to index files too. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    /**
     * Jackson's default caps (names of 50,000 chars, strings of 20M) would reject headers the format
     * allows; the 100MB header limit is the only size cap. Nesting stays capped (default 1000), so a
     * hostile header cannot overflow the stack.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNameLength((int) MAX_HEADER_BYTES)
                            .maxStringLength((int) MAX_HEADER_BYTES)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses {@code utf8} (described as {@code what} in messages, e.g. "header") as one JSON object. */
    static ObjectNode parseObject(Path file, String what, byte[] utf8) {
        String text = decodeUtf8(file, what, utf8);
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(file, what + " is not valid JSON: " + describe(e), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new SafetensorsFormatException(file, what + " is empty, not a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new SafetensorsFormatException(file, what + " is a JSON " + kind(node) + ", not an object");
        }
        return object;
    }

    static String decodeUtf8(Path file, String what, byte[] utf8) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            throw new SafetensorsFormatException(file, what + " is not valid UTF-8 (bad byte at offset "
                    + in.position() + " of the " + what + ")");
        }
        return out.flip().toString();
    }

    /** "array", "string", "number", ... for messages. */
    static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.length() > 200) message = message.substring(0, 200) + "...";
        JsonLocation at = e.getLocation();
        return at == null ? String.valueOf(message)
                : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
