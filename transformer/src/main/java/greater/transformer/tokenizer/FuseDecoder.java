package greater.transformer.tokenizer;

import java.util.List;

/** {@code {"type": "Fuse"}}: joins all tokens into one string. */
record FuseDecoder() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        return List.of(String.join("", tokens));
    }
}
