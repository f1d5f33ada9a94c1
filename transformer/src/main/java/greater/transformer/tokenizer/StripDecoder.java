package greater.transformer.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code {"type": "Strip", "content": " ", "start": 1, "stop": 0}}: removes up to {@code start}
 * leading and {@code stop} trailing occurrences of {@code content} from each token (Llama-2 uses it
 * after Fuse to drop the dummy-prefix space).
 */
record StripDecoder(int content, int start, int stop) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            int[] cps = t.codePoints().toArray();
            int from = 0;
            for (int i = 0; i < Math.min(start, cps.length) && cps[i] == content; i++) {
                from = i + 1;
            }
            int to = cps.length;
            for (int i = 0; i < stop && cps.length - i - 1 >= from; i++) {
                int index = cps.length - i - 1;
                if (cps[index] != content) {
                    break;
                }
                to = index;
            }
            out.add(new String(cps, from, to - from));
        }
        return out;
    }
}
