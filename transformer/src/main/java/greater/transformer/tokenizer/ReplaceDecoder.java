package greater.transformer.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** {@code {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}} as a decoder: per token. */
record ReplaceDecoder(TextPattern pattern, String content) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            int[] m = pattern.matches(t);
            if (m.length == 0) {
                out.add(t);
                continue;
            }
            StringBuilder sb = new StringBuilder(t.length());
            int last = 0;
            for (int k = 0; k < m.length; k += 2) {
                sb.append(t, last, m[k]).append(content);
                last = m[k + 1];
            }
            out.add(sb.append(t, last, t.length()).toString());
        }
        return out;
    }
}
