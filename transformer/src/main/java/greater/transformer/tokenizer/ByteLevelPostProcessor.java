package greater.transformer.tokenizer;

import java.util.function.IntFunction;

/**
 * {@code {"type": "ByteLevel", "trim_offsets": true}} as a post-processor: adds no token; with
 * {@code trim_offsets} each token's span is shrunk to exclude the spaces it starts or ends with
 * (HF byte_level.rs {@code process_offsets}, which counts {@code Ġ} and whitespace chars in the
 * token string).
 */
record ByteLevelPostProcessor(boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {
    @Override
    public Encoding process(Encoding e, boolean addSpecialTokens, IntFunction<String> tokenText) {
        if (!trimOffsets) {
            return e;
        }
        Encoding.Builder b = new Encoding.Builder(e.size());
        for (int i = 0; i < e.size(); i++) {
            String token = tokenText.apply(e.id(i));
            int start = e.start(i);
            int end = e.end(i);
            int[] cps = token.codePoints().toArray();
            int leading = 0;
            while (leading < cps.length && isSpace(cps[leading])) {
                leading++;
            }
            int trailing = 0;
            while (trailing < cps.length && isSpace(cps[cps.length - 1 - trailing])) {
                trailing++;
            }
            if (leading > 0) {
                boolean isFirst = i == 0 || start == 0;
                if (isFirst && addPrefixSpace && leading == 1) {
                    leading = 0;
                }
                start = Math.min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing) {
                end = Math.max(end - trailing, start);
            }
            b.add(e.id(i), start, end);
        }
        return b.build();
    }

    private static boolean isSpace(int cp) {
        return cp == ByteLevel.charOf(' ') || UnicodeWhitespace.is(cp);
    }
}
