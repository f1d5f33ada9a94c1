package greater.transformer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the normalizer, pre-tokenizer, post-processor and decoder of a tokenizer.json from their
 * JSON objects. A component type this package does not implement is an error that names it and
 * lists the supported ones, never a silent approximation.
 *
 * @param where the file name, put in front of every error message
 */
record ComponentReader(String where) {
    private static final String NORMALIZERS = "Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip";
    private static final String PRE_TOKENIZERS = "Sequence, Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit";
    private static final String POST_PROCESSORS = "TemplateProcessing, ByteLevel, Sequence";
    private static final String DECODERS = "Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace";

    Normalizer normalizer(JsonNode n) {
        if (isAbsent(n)) {
            return null;
        }
        String type = type(n, "normalizer");
        return switch (type) {
            case "Sequence" -> {
                List<Normalizer> list = new ArrayList<>();
                for (JsonNode c : array(n, "normalizers", "normalizer Sequence")) {
                    list.add(normalizer(present(c, "normalizer Sequence")));
                }
                yield new SequenceNormalizer(List.copyOf(list));
            }
            case "Prepend" -> new PrependNormalizer(text(n, "prepend", "normalizer Prepend"));
            case "Replace" -> new ReplaceNormalizer(pattern(n, "normalizer Replace"), text(n, "content", "normalizer Replace"));
            case "NFC" -> new UnicodeNormalizer(Form.NFC);
            case "NFD" -> new UnicodeNormalizer(Form.NFD);
            case "NFKC" -> new UnicodeNormalizer(Form.NFKC);
            case "NFKD" -> new UnicodeNormalizer(Form.NFKD);
            case "Lowercase" -> new LowercaseNormalizer();
            case "Strip" -> new StripNormalizer(bool(n, "strip_left", true), bool(n, "strip_right", true));
            default -> throw unknown("normalizer", type, NORMALIZERS);
        };
    }

    PreTokenizer preTokenizer(JsonNode n) {
        if (isAbsent(n)) {
            return null;
        }
        String type = type(n, "pre_tokenizer");
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> list = new ArrayList<>();
                for (JsonNode c : array(n, "pretokenizers", "pre_tokenizer Sequence")) {
                    list.add(preTokenizer(present(c, "pre_tokenizer Sequence")));
                }
                yield new SequencePreTokenizer(List.copyOf(list));
            }
            case "Split" -> new SplitPreTokenizer(pattern(n, "pre_tokenizer Split"),
                    SplitBehavior.fromJson(text(n, "behavior", "pre_tokenizer Split"), where + ": pre_tokenizer Split"),
                    bool(n, "invert", false));
            case "ByteLevel" -> new ByteLevelPreTokenizer(bool(n, "add_prefix_space", true), bool(n, "use_regex", true));
            case "Metaspace" -> metaspace(n);
            case "Digits" -> new DigitsPreTokenizer(bool(n, "individual_digits", false));
            // HF Whitespace: keeps the matches of \w+|[^\w\s]+
            case "Whitespace" -> new SplitPreTokenizer(TextPattern.regex("\\w+|[^\\w\\s]+"), SplitBehavior.REMOVED, true);
            // HF WhitespaceSplit: drops whitespace, empty pieces vanish
            case "WhitespaceSplit" -> new SplitPreTokenizer(TextPattern.regex("\\s+"), SplitBehavior.REMOVED, false);
            default -> throw unknown("pre_tokenizer", type, PRE_TOKENIZERS);
        };
    }

    private MetaspacePreTokenizer metaspace(JsonNode n) {
        String replacement = text(n, "replacement", "pre_tokenizer Metaspace");
        MetaspacePreTokenizer.PrependScheme scheme = prependScheme(n, "pre_tokenizer Metaspace");
        return new MetaspacePreTokenizer(replacement, scheme, bool(n, "split", true));
    }

    /** HF: {@code add_prefix_space: false} forces "never"; otherwise {@code prepend_scheme}, default "always". */
    private MetaspacePreTokenizer.PrependScheme prependScheme(JsonNode n, String what) {
        if (n.has("add_prefix_space") && !n.get("add_prefix_space").asBoolean(true)) {
            return MetaspacePreTokenizer.PrependScheme.NEVER;
        }
        String s = n.hasNonNull("prepend_scheme") ? n.get("prepend_scheme").asText() : "always";
        return switch (s) {
            case "always" -> MetaspacePreTokenizer.PrependScheme.ALWAYS;
            case "first" -> MetaspacePreTokenizer.PrependScheme.FIRST;
            case "never" -> MetaspacePreTokenizer.PrependScheme.NEVER;
            default -> throw new TokenizerException(where + ": " + what + ": unknown prepend_scheme \"" + s
                    + "\" (supported: always, first, never)");
        };
    }

    PostProcessor postProcessor(JsonNode n) {
        if (isAbsent(n)) {
            return null;
        }
        String type = type(n, "post_processor");
        return switch (type) {
            case "TemplateProcessing" -> template(n);
            case "ByteLevel" -> new ByteLevelPostProcessor(bool(n, "trim_offsets", true), bool(n, "add_prefix_space", true));
            case "Sequence" -> {
                List<PostProcessor> list = new ArrayList<>();
                for (JsonNode c : array(n, "processors", "post_processor Sequence")) {
                    list.add(postProcessor(present(c, "post_processor Sequence")));
                }
                yield new SequencePostProcessor(List.copyOf(list));
            }
            default -> throw unknown("post_processor", type, POST_PROCESSORS);
        };
    }

    private TemplateProcessing template(JsonNode n) {
        String what = "post_processor TemplateProcessing";
        JsonNode specials = n.path("special_tokens");
        List<int[]> pieces = new ArrayList<>();
        for (JsonNode piece : array(n, "single", what)) {
            if (piece.has("Sequence")) {
                pieces.add(null);
            } else if (piece.has("SpecialToken")) {
                String id = piece.get("SpecialToken").path("id").asText();
                JsonNode ids = specials.path(id).path("ids");
                if (!ids.isArray() || ids.isEmpty()) {
                    throw new TokenizerException(where + ": " + what + ": special token \"" + id
                            + "\" has no ids in \"special_tokens\"");
                }
                int[] a = new int[ids.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = ids.get(i).asInt();
                }
                pieces.add(a);
            } else {
                throw new TokenizerException(where + ": " + what + ": template piece " + piece
                        + " is neither SpecialToken nor Sequence");
            }
        }
        return new TemplateProcessing(java.util.Collections.unmodifiableList(pieces));
    }

    Decoder decoder(JsonNode n) {
        if (isAbsent(n)) {
            return null;
        }
        String type = type(n, "decoder");
        return switch (type) {
            case "Sequence" -> {
                List<Decoder> list = new ArrayList<>();
                for (JsonNode c : array(n, "decoders", "decoder Sequence")) {
                    list.add(decoder(present(c, "decoder Sequence")));
                }
                yield new SequenceDecoder(List.copyOf(list));
            }
            case "ByteLevel" -> new ByteLevelDecoder();
            case "Replace" -> new ReplaceDecoder(pattern(n, "decoder Replace"), text(n, "content", "decoder Replace"));
            case "ByteFallback" -> new ByteFallbackDecoder();
            case "Fuse" -> new FuseDecoder();
            case "Strip" -> new StripDecoder(text(n, "content", "decoder Strip").codePointAt(0),
                    n.path("start").asInt(0), n.path("stop").asInt(0));
            case "Metaspace" -> new MetaspaceDecoder(text(n, "replacement", "decoder Metaspace").codePointAt(0),
                    prependScheme(n, "decoder Metaspace") != MetaspacePreTokenizer.PrependScheme.NEVER);
            default -> throw unknown("decoder", type, DECODERS);
        };
    }

    /** A Sequence's element: HF refuses a null one, so do we (it would otherwise be a null component). */
    private JsonNode present(JsonNode element, String what) {
        if (isAbsent(element)) throw new TokenizerException(where + ": " + what + " holds a null element");
        return element;
    }

    private static boolean isAbsent(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }

    private String type(JsonNode n, String component) {
        if (!n.isObject() || !n.hasNonNull("type")) {
            throw new TokenizerException(where + ": " + component + " has no \"type\": " + abbreviate(n));
        }
        return n.get("type").asText();
    }

    private TokenizerException unknown(String component, String type, String supported) {
        return new TokenizerException(where + ": unknown " + component + " type \"" + type
                + "\" (supported: " + supported + ")");
    }

    private Iterable<JsonNode> array(JsonNode n, String field, String what) {
        JsonNode a = n.get(field);
        if (a == null || !a.isArray()) {
            throw new TokenizerException(where + ": " + what + " needs an array \"" + field + "\"");
        }
        return a;
    }

    private String text(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new TokenizerException(where + ": " + what + " needs a string \"" + field + "\"");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode n, String field, boolean dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asBoolean(dflt);
    }

    private TextPattern pattern(JsonNode n, String what) {
        return TextPattern.fromJson(n.get("pattern"), where + ": " + what);
    }

    private static String abbreviate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
