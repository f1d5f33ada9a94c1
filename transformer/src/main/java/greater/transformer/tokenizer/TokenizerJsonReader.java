package greater.transformer.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tokenizer.json. The model's vocabulary and merges (Gemma-3: 262,144 tokens and 514,906
 * merges in 33 MB) are streamed with Jackson's {@link JsonParser} straight into a hash map and a
 * {@link MergeTable}; only the small components (normalizer, pre-tokenizer, post-processor,
 * decoder, added tokens) are read as trees.
 *
 * <p>Merges are accepted in both formats HF writes: {@code "a b"} strings (split at the single
 * space; lines starting with {@code #version} skipped) and {@code ["a", "b"]} pairs. A merge's
 * rank is its index; its result is {@code a + b} with the {@code continuing_subword_prefix}
 * removed from {@code b}, as in HF's {@code BpeBuilder::build}.
 */
final class TokenizerJsonReader {
    /**
     * Vocabulary tokens arrive as JSON field names; Jackson would otherwise canonicalize and
     * {@code String.intern()} all 262k of them, which costs more than the rest of loading.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    /** Everything a {@link Tokenizer} is made of. */
    record Contents(Bpe model, String[] vocabById, AddedVocabulary added, Normalizer normalizer,
                    PreTokenizer preTokenizer, PostProcessor postProcessor, Decoder decoder) {
    }

    private final String where;

    private TokenizerJsonReader(String where) {
        this.where = where;
    }

    /** @param where the name used in error messages (the file path) */
    static Contents read(JsonParser parser, String where) {
        try (parser) {
            return new TokenizerJsonReader(where).readTop(parser);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new TokenizerException(where + ": not valid JSON (" + e.getOriginalMessage() + at + ")", e);
        } catch (IOException e) {
            throw new TokenizerException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static JsonParser parser(java.nio.file.Path file) throws IOException {
        return FACTORY.createParser(file.toFile());
    }

    static JsonParser parser(String json) throws IOException {
        return FACTORY.createParser(json);
    }

    private Contents readTop(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new TokenizerException(where + ": not a tokenizer.json (the top level is not a JSON object)");
        }
        ModelFields model = null;
        JsonNode added = null;
        JsonNode normalizer = null;
        JsonNode preTokenizer = null;
        JsonNode postProcessor = null;
        JsonNode decoder = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "version" -> {
                    if (!"1.0".equals(p.getText())) {
                        throw new TokenizerException(where + ": unknown tokenizer.json version \"" + p.getText()
                                + "\" (supported: 1.0)");
                    }
                }
                case "model" -> model = readModel(p, value);
                case "added_tokens" -> added = p.readValueAsTree();
                case "normalizer" -> normalizer = p.readValueAsTree();
                case "pre_tokenizer" -> preTokenizer = p.readValueAsTree();
                case "post_processor" -> postProcessor = p.readValueAsTree();
                case "decoder" -> decoder = p.readValueAsTree();
                default -> p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new TokenizerException(where + ": not valid JSON (trailing content after the top-level object)");
        }
        if (model == null) {
            throw new TokenizerException(where + ": no \"model\" section");
        }
        ComponentReader components = new ComponentReader(where);
        Normalizer norm = components.normalizer(normalizer);
        Bpe bpe = model.build();
        List<AddedToken> addedTokens = readAddedTokens(added, model.vocab);
        return new Contents(bpe, model.byId, new AddedVocabulary(addedTokens, norm), norm,
                components.preTokenizer(preTokenizer), components.postProcessor(postProcessor),
                components.decoder(decoder));
    }

    /**
     * The added tokens with the ids HF gives them ({@code AddedVocabulary::add_tokens}): the JSON
     * {@code id} is only compared (HF warns on a mismatch); a token keeps its vocabulary id when
     * the model has its text, else takes the next id after the model's vocabulary. In real files
     * the two agree.
     */
    private List<AddedToken> readAddedTokens(JsonNode added, Vocabulary vocab) {
        List<AddedToken> out = new ArrayList<>();
        if (added == null || added.isNull()) {
            return out;
        }
        if (!added.isArray()) {
            throw new TokenizerException(where + ": \"added_tokens\" is not an array");
        }
        java.util.Map<String, AddedToken> byContent = new java.util.HashMap<>();
        int nextId = vocab.size();
        for (JsonNode t : added) {
            if (!t.hasNonNull("content")) {
                throw new TokenizerException(where + ": added token without \"content\": " + t);
            }
            String content = t.get("content").asText();
            if (content.isEmpty()) {
                continue;
            }
            boolean special = t.path("special").asBoolean(false);
            AddedToken previous = byContent.get(content);
            int id;
            if (previous != null) {
                id = previous.id();
            } else if (vocab.get(content) >= 0) {
                id = vocab.get(content);
            } else {
                id = nextId++;
            }
            AddedToken token = new AddedToken(id, content, special, t.path("lstrip").asBoolean(false),
                    t.path("rstrip").asBoolean(false), t.path("normalized").asBoolean(!special),
                    t.path("single_word").asBoolean(false));
            if (token.equals(previous)) {
                continue;
            }
            byContent.put(content, token);
            out.add(token);
        }
        return out;
    }

    /** The fields of {@code "model"}, gathered in whatever order the file has them. */
    private final class ModelFields {
        String type;
        Vocabulary vocab;
        /** Merges seen before the vocabulary (unusual), resolved in build(). */
        List<String> pendingLeft = new ArrayList<>();
        List<String> pendingRight = new ArrayList<>();
        MergeTable merges;
        boolean sawMerges;
        char[] scratch = new char[256];
        String unkToken;
        String prefix;
        String suffix;
        boolean fuseUnk;
        boolean byteFallback;
        boolean ignoreMerges;
        double dropout;
        String[] byId;

        /**
         * Resolves merge {@code rank}: left and right tokens, and their concatenation without the
         * continuing-subword prefix on the right (HF BpeBuilder::build), all looked up in place.
         */
        void addMerge(int rank, char[] a, int aOff, int aLen, char[] b, int bOff, int bLen) {
            int left = vocab.getTrusted(a, aOff, aLen);
            int right = vocab.getTrusted(b, bOff, bLen);
            int prefixLen = prefix == null ? 0 : Math.min(prefix.length(), bLen);
            int mergedLen = aLen + bLen - prefixLen;
            if (scratch.length < mergedLen) {
                scratch = new char[mergedLen * 2];
            }
            System.arraycopy(a, aOff, scratch, 0, aLen);
            System.arraycopy(b, bOff + prefixLen, scratch, aLen, bLen - prefixLen);
            int result = vocab.getTrusted(scratch, 0, mergedLen);
            if (left < 0 || right < 0 || result < 0) {
                String as = new String(a, aOff, aLen);
                String bs = new String(b, bOff, bLen);
                String missing = left < 0 ? as : right < 0 ? bs : new String(scratch, 0, mergedLen);
                throw new TokenizerException(where + ": merge " + rank + " (\"" + as + "\" + \"" + bs
                        + "\") uses \"" + missing + "\", which is not in the vocabulary");
            }
            merges.put(left, right, rank, result);
        }

        Bpe build() {
            if (vocab == null) {
                throw new TokenizerException(where + ": model has no \"vocab\"");
            }
            if (!sawMerges) {
                throw new TokenizerException(where + ": BPE model has no \"merges\"");
            }
            if (dropout > 0 && dropout < 1) {
                throw new TokenizerException(where + ": BPE dropout " + dropout + " is not supported (encoding would be random)");
            }
            if (merges == null) {
                merges = new MergeTable(pendingLeft.size());
                for (int rank = 0; rank < pendingLeft.size(); rank++) {
                    char[] a = pendingLeft.get(rank).toCharArray();
                    char[] b = pendingRight.get(rank).toCharArray();
                    addMerge(rank, a, 0, a.length, b, 0, b.length);
                }
            }
            pendingLeft = null;
            pendingRight = null;
            byId = vocab.byId();
            return new Bpe(vocab, byId, merges, unkToken, fuseUnk, byteFallback, ignoreMerges, prefix, suffix, where);
        }
    }

    private ModelFields readModel(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new TokenizerException(where + ": \"model\" is not an object");
        }
        ModelFields m = new ModelFields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> {
                    m.type = p.getText();
                    if (!m.type.equals("BPE")) {
                        throw new TokenizerException(where + ": unknown model type \"" + m.type + "\" (supported: BPE)");
                    }
                }
                case "vocab" -> readVocab(p, v, m);
                case "merges" -> readMerges(p, v, m);
                case "unk_token" -> m.unkToken = v == JsonToken.VALUE_NULL ? null : p.getText();
                case "continuing_subword_prefix" -> m.prefix = v == JsonToken.VALUE_NULL ? null : p.getText();
                case "end_of_word_suffix" -> m.suffix = v == JsonToken.VALUE_NULL ? null : p.getText();
                case "fuse_unk" -> m.fuseUnk = v == JsonToken.VALUE_TRUE;
                case "byte_fallback" -> m.byteFallback = v == JsonToken.VALUE_TRUE;
                case "ignore_merges" -> m.ignoreMerges = v == JsonToken.VALUE_TRUE;
                case "dropout" -> m.dropout = v == JsonToken.VALUE_NULL ? 0 : p.getDoubleValue();
                default -> p.skipChildren();
            }
        }
        if (m.type == null && m.vocab != null && !m.sawMerges) {
            // HF tells models apart by their fields when "type" is missing; without merges this is not BPE.
            throw new TokenizerException(where + ": unknown model type (no \"type\" and no \"merges\"; supported: BPE)");
        }
        return m;
    }

    private void readVocab(JsonParser p, JsonToken v, ModelFields m) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            throw new TokenizerException(where + ": model \"vocab\" is not an object of token -> id"
                    + " (a Unigram vocabulary? supported model: BPE)");
        }
        Vocabulary vocab = new Vocabulary(1 << 16);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new TokenizerException(where + ": vocab entry \"" + token + "\" has no integer id");
            }
            int id = p.getIntValue();
            if (id < 0) {
                throw new TokenizerException(where + ": vocab entry \"" + token + "\" has negative id " + id);
            }
            vocab.put(token, id);
        }
        m.vocab = vocab;
    }

    private void readMerges(JsonParser p, JsonToken v, ModelFields m) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw new TokenizerException(where + ": model \"merges\" is not an array");
        }
        m.sawMerges = true;
        boolean resolveNow = m.vocab != null;   // HF files write the vocabulary first
        if (resolveNow) {
            m.merges = new MergeTable(2 * m.vocab.size());   // real files: 1-2 merges per token
        }
        char[] left = new char[64];
        int rank = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                char[] buf = p.getTextCharacters();
                int off = p.getTextOffset();
                int len = p.getTextLength();
                if (len >= 8 && new String(buf, off, 8).equals("#version")) {
                    continue;
                }
                int space = -1;
                int spaces = 0;
                for (int i = off; i < off + len; i++) {
                    if (buf[i] == ' ') {
                        space = space < 0 ? i : space;
                        spaces++;
                    }
                }
                if (spaces != 1) {
                    throw new TokenizerException(where + ": merge " + rank + " \"" + new String(buf, off, len)
                            + "\" is not two tokens separated by one space");
                }
                if (resolveNow) {
                    m.addMerge(rank, buf, off, space - off, buf, space + 1, off + len - space - 1);
                } else {
                    m.pendingLeft.add(new String(buf, off, space - off));
                    m.pendingRight.add(new String(buf, space + 1, off + len - space - 1));
                }
            } else if (t == JsonToken.START_ARRAY) {
                int n = 0;
                int leftLen = 0;
                String[] pair = new String[2];
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new TokenizerException(where + ": merge " + rank + " has a non-string element");
                    }
                    if (n == 0) {
                        leftLen = p.getTextLength();
                        if (left.length < leftLen) {
                            left = new char[leftLen * 2];
                        }
                        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), left, 0, leftLen);
                        pair[0] = resolveNow ? null : p.getText();
                    } else if (n == 1) {
                        if (resolveNow) {
                            m.addMerge(rank, left, 0, leftLen, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        } else {
                            pair[1] = p.getText();
                        }
                    }
                    n++;
                }
                if (n != 2) {
                    throw new TokenizerException(where + ": merge " + rank + " does not have exactly two tokens");
                }
                if (!resolveNow) {
                    m.pendingLeft.add(pair[0]);
                    m.pendingRight.add(pair[1]);
                }
            } else {
                throw new TokenizerException(where + ": merge " + rank + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
            rank++;
        }
    }
}
