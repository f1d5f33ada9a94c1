package greater.transformer.tokenizer;

import java.util.Locale;

/** {@code {"type": "Lowercase"}}: Unicode lower-casing code point by code point, as Rust's {@code to_lowercase}. */
record LowercaseNormalizer() implements Normalizer {
    @Override
    public NormalizedText normalize(NormalizedText text) {
        String s = text.text();
        if (s.equals(s.toLowerCase(Locale.ROOT))) {
            return text;
        }
        return text.mapCodePoints(cp -> new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
    }
}
