package greater.transformer.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A HuggingFace {@code tokenizer.json} tokenizer that produces the very ids HF's
 * {@code tokenizers} library produces, with the source span of every token.
 *
 * <p>Encoding follows HF's {@code TokenizerImpl::encode}: added tokens are cut out of the raw
 * text (special-token literals such as {@code <|eot_id|>} become their single id, as transformers
 * does by default); each remaining piece is normalized, cut again by normalized added tokens,
 * pre-tokenized into words, and each word is run through {@link Bpe}; finally the post-processor
 * adds BOS and the like when {@code addSpecialTokens} is on. Decoding maps ids to vocabulary
 * strings and runs the decoder chain.
 *
 * <p>Offsets ({@link Encoding#start}/{@link Encoding#end}) are UTF-16 indices into the encoded
 * {@code String}.
 *
 * <p>Thread-safe: encoders share only an internal word cache.
 */
public final class Tokenizer {
    private final String source;
    private final Bpe model;
    private final String[] vocabById;
    private final AddedVocabulary added;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final TokenizerConfig config;
    private final int vocabSize;

    private Tokenizer(String source, TokenizerJsonReader.Contents c, TokenizerConfig config) {
        this.source = source;
        this.model = c.model();
        this.vocabById = c.vocabById();
        this.added = c.added();
        this.normalizer = c.normalizer();
        this.preTokenizer = c.preTokenizer();
        this.postProcessor = c.postProcessor();
        this.decoder = c.decoder();
        this.config = config;
        int max = vocabById.length - 1;
        for (int id : added.all().keySet()) {
            max = Math.max(max, id);
        }
        this.vocabSize = max + 1;
    }

    /**
     * Loads a tokenizer from a model folder (reading {@code tokenizer.json} and, when present,
     * {@code tokenizer_config.json}) or from a {@code tokenizer.json} file (with the
     * {@code tokenizer_config.json} beside it, when present).
     *
     * @throws TokenizerException naming the file and the problem: missing, not JSON, an
     *                            unsupported model or component type
     */
    public static Tokenizer load(Path dirOrJson) {
        Path json = Files.isDirectory(dirOrJson) ? dirOrJson.resolve("tokenizer.json") : dirOrJson;
        if (!Files.exists(json)) {
            throw new TokenizerException(Files.isDirectory(dirOrJson)
                    ? dirOrJson + ": no tokenizer.json in this folder"
                    : json + ": no such file");
        }
        if (!Files.isRegularFile(json)) {
            throw new TokenizerException(json + ": not a file");
        }
        TokenizerJsonReader.Contents contents;
        try {
            contents = TokenizerJsonReader.read(TokenizerJsonReader.parser(json), json.toString());
        } catch (IOException e) {
            throw new TokenizerException(json + ": cannot read (" + e.getMessage() + ")", e);
        }
        Path configFile = json.toAbsolutePath().resolveSibling("tokenizer_config.json");
        return new Tokenizer(json.toString(), contents, TokenizerConfig.read(configFile));
    }

    /**
     * Builds a tokenizer from tokenizer.json text (and optional tokenizer_config.json text);
     * {@code name} is used in error messages.
     */
    public static Tokenizer fromJson(String tokenizerJson, String tokenizerConfigJsonOrNull, String name) {
        TokenizerJsonReader.Contents contents;
        try {
            contents = TokenizerJsonReader.read(TokenizerJsonReader.parser(tokenizerJson), name);
        } catch (IOException e) {
            throw new TokenizerException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
        TokenizerConfig config = tokenizerConfigJsonOrNull == null ? TokenizerConfig.EMPTY
                : TokenizerConfig.parse(tokenizerConfigJsonOrNull, name + " (tokenizer_config)");
        return new Tokenizer(name, contents, config);
    }

    /**
     * The ids of {@code text} as {@code tokenizer(text)["input_ids"]} gives them: special tokens
     * added by the post-processor (BOS where the tokenizer adds one), special-token literals
     * parsed.
     */
    public int[] encode(String text) {
        return encode(text, true, true).ids();
    }

    /**
     * Encodes {@code text} with the offsets of every token.
     *
     * @param addSpecialTokens   run the post-processor's template (BOS/EOS), HF {@code add_special_tokens}
     * @param parseSpecialTokens recognise special-token literals in the text; false treats them
     *                           as plain text (HF {@code encode_special_tokens=True}, transformers
     *                           {@code split_special_tokens=True}). Non-special added tokens
     *                           match either way, as in HF.
     */
    public Encoding encode(String text, boolean addSpecialTokens, boolean parseSpecialTokens) {
        Encoding.Builder out = new Encoding.Builder(text.length() / 3 + 8);
        List<NormalizedText> words = new ArrayList<>();
        added.splitRaw(text, parseSpecialTokens, (start, end, id) -> {
            if (id >= 0) {
                out.add(id, start, end);
            } else if (end > start) {
                NormalizedText piece = NormalizedText.of(text, start, end);
                if (normalizer != null) {
                    piece = normalizer.normalize(piece);
                }
                if (piece.isEmpty()) {
                    return;
                }
                if (added.hasNormalizedTokens()) {
                    NormalizedText p = piece;
                    added.splitNormalized(p.text(), parseSpecialTokens, (s, e, id2) -> {
                        if (id2 >= 0) {
                            out.add(id2, p.start(s), p.end(e - 1));
                        } else if (e > s) {
                            tokenizePiece(p.slice(s, e), words, out);
                        }
                    });
                } else {
                    tokenizePiece(piece, words, out);
                }
            }
        });
        Encoding encoding = out.build();
        if (postProcessor != null) {
            encoding = postProcessor.process(encoding, addSpecialTokens, this::tokenText);
        }
        return encoding;
    }

    private void tokenizePiece(NormalizedText piece, List<NormalizedText> words, Encoding.Builder out) {
        words.clear();
        if (preTokenizer != null) {
            preTokenizer.split(piece, words);
        } else {
            words.add(piece);
        }
        for (NormalizedText w : words) {
            int[] tokens = model.tokenize(w.text());
            for (int k = 0; k < tokens.length; k += 3) {
                out.add(tokens[k], w.start(tokens[k + 1]), w.end(tokens[k + 2] - 1));
            }
        }
    }

    /** {@code decode(ids, false)}. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of {@code ids}, as HF's {@code Tokenizer.decode}: vocabulary strings through the
     * decoder chain (without transformers' {@code clean_up_tokenization_spaces}).
     *
     * @param skipSpecialTokens leave out special added tokens
     * @throws TokenizerException for an id outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String token = added.get(id) != null ? added.decodeText(id) : modelToken(id);
            if (!(skipSpecialTokens && added.isSpecialText(token))) {
                tokens.add(token);
            }
        }
        return decoder == null ? String.join(" ", tokens) : decoder.decode(tokens);
    }

    /** The text one token decodes to on its own ({@code decode(new int[] {id})}). */
    public String decodeToken(int id) {
        return decode(new int[] {id}, false);
    }

    /** Number of ids: one more than the largest id of the vocabulary or the added tokens. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of a vocabulary string or added token, or null. */
    public Integer tokenId(String token) {
        Integer id = added.idOf(token);
        if (id != null) {
            return id;
        }
        int modelId = model.tokenId(token);
        return modelId < 0 ? null : modelId;
    }

    /** The raw vocabulary string of {@code id} (e.g. {@code Ġhello}, {@code ▁hello}, {@code <0x0A>}). */
    public String tokenText(int id) {
        AddedToken t = added.get(id);
        return t != null ? t.content() : modelToken(id);
    }

    private String modelToken(int id) {
        if (id < 0 || id >= vocabById.length || vocabById[id] == null) {
            throw new TokenizerException(source + ": token id " + id + " is not in the vocabulary (size "
                    + vocabSize + ")");
        }
        return vocabById[id];
    }

    /** Whether {@code id} is a special added token (skipped by {@code decode(ids, true)}). */
    public boolean isSpecial(int id) {
        return added.isSpecial(id);
    }

    /** {@code bos_token} of tokenizer_config.json. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(config.bosToken());
    }

    /** {@code eos_token} of tokenizer_config.json. */
    public Optional<String> eosToken() {
        return Optional.ofNullable(config.eosToken());
    }

    /** The id of {@link #bosToken()}; empty when the config names none or the vocabulary lacks it. */
    public OptionalInt bosId() {
        return idOf(config.bosToken());
    }

    /** The id of {@link #eosToken()}; empty when the config names none or the vocabulary lacks it. */
    public OptionalInt eosId() {
        return idOf(config.eosToken());
    }

    private OptionalInt idOf(String token) {
        Integer id = token == null ? null : tokenId(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The Jinja source of tokenizer_config.json's {@code chat_template} (or chat_template.jinja). */
    public Optional<String> chatTemplateSource() {
        return Optional.ofNullable(config.chatTemplate());
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + ", " + vocabSize + " ids]";
    }
}
