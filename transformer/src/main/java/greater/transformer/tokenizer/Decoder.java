package greater.transformer.tokenizer;

import java.util.List;

/**
 * A tokenizer.json {@code decoder}: turns the vocabulary strings of a token sequence back into
 * text. As in HF, each decoder maps a list of token strings to a new list ({@code decode_chain}),
 * and the final list is concatenated.
 */
interface Decoder {
    List<String> decodeChain(List<String> tokens);

    default String decode(List<String> tokens) {
        return String.join("", decodeChain(tokens));
    }
}
