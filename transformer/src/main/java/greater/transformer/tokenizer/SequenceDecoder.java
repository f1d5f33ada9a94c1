package greater.transformer.tokenizer;

import java.util.List;

/** {@code {"type": "Sequence", "decoders": [...]}}: each decoder's output feeds the next. */
record SequenceDecoder(List<Decoder> decoders) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        for (Decoder d : decoders) {
            tokens = d.decodeChain(tokens);
        }
        return tokens;
    }
}
