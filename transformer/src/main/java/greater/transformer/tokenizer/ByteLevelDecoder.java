package greater.transformer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code {"type": "ByteLevel"}} as a decoder: maps {@link ByteLevel} chars back to bytes and
 * decodes the whole byte string as UTF-8, invalid sequences becoming U+FFFD. A token containing
 * any char outside the byte alphabet (an added token such as {@code <|eot_id|>} usually is inside
 * it; one with other chars is not) contributes its own UTF-8 bytes, as HF does.
 */
record ByteLevelDecoder() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String t : tokens) {
            appendBytes(t, bytes);
        }
        return List.of(Utf8.decodeLossy(bytes.toByteArray()));
    }

    static void appendBytes(String token, ByteArrayOutputStream out) {
        for (int i = 0; i < token.length(); i++) {
            if (ByteLevel.byteOf(token.charAt(i)) < 0) {
                out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        for (int i = 0; i < token.length(); i++) {
            out.write(ByteLevel.byteOf(token.charAt(i)));
        }
    }
}
