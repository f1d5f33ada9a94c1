package greater.transformer.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code {"type": "Metaspace"}} as a decoder: the replacement char becomes a space, except that
 * it is dropped from the first token when a prefix was being prepended (HF metaspace.rs).
 */
record MetaspaceDecoder(int replacement, boolean prependsPrefix) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            StringBuilder sb = new StringBuilder();
            final boolean first = i == 0;
            tokens.get(i).codePoints().forEach(c -> {
                if (c == replacement) {
                    if (!(first && prependsPrefix)) {
                        sb.append(' ');
                    }
                } else {
                    sb.appendCodePoint(c);
                }
            });
            out.add(sb.toString());
        }
        return out;
    }
}
