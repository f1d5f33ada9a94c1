package greater.transformer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code {"type": "ByteFallback"}}: runs of {@code <0xXX>} tokens become the text their bytes
 * spell; a run that is not valid UTF-8 becomes one U+FFFD per byte (HF byte_fallback.rs).
 */
record ByteFallbackDecoder() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) {
                run.write(b);
                continue;
            }
            flush(run, out);
            out.add(t);
        }
        flush(run, out);
        return out;
    }

    private static void flush(ByteArrayOutputStream run, List<String> out) {
        if (run.size() == 0) {
            return;
        }
        String s = Utf8.decodeStrict(run.toByteArray());
        if (s != null) {
            out.add(s);
        } else {
            for (int i = 0; i < run.size(); i++) {
                out.add("\uFFFD");
            }
        }
        run.reset();
    }

    /** The byte of a {@code <0xXX>} token, else -1. */
    static int byteToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(t.charAt(3), 16);
        int lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
