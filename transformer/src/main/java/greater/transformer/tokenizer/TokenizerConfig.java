package greater.transformer.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What greater needs from {@code tokenizer_config.json}: the BOS/EOS token texts and the chat
 * template source. {@code bos_token}/{@code eos_token} may be a string, an
 * {@code {"content": ...}} object or null; {@code chat_template} a string or a list of
 * {@code {"name", "template"}} (the one named "default" is used). A {@code chat_template.jinja}
 * file beside it (newer transformers save the template there) is used when the JSON has none.
 */
record TokenizerConfig(String bosToken, String eosToken, String chatTemplate) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final TokenizerConfig EMPTY = new TokenizerConfig(null, null, null);

    static TokenizerConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        TokenizerConfig c;
        try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
            c = parse(relevantFields(p, file.toString()), file.toString());
        } catch (JsonProcessingException e) {
            throw new TokenizerException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (c.chatTemplate == null) {
            Path jinja = file.resolveSibling("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                try {
                    c = new TokenizerConfig(c.bosToken, c.eosToken, Files.readString(jinja));
                } catch (IOException e) {
                    throw new TokenizerException(jinja + ": cannot read (" + e.getMessage() + ")", e);
                }
            }
        }
        return c;
    }

    /**
     * Reads only the fields used here: Gemma-3's config is 1.1 MB, nearly all of it an
     * {@code added_tokens_decoder} that tokenizer.json already has.
     */
    private static JsonNode relevantFields(JsonParser p, String where) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new TokenizerException(where + ": not a tokenizer_config.json (the top level is not a JSON object)");
        }
        ObjectNode out = MAPPER.createObjectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("bos_token") || name.equals("eos_token") || name.equals("chat_template")) {
                out.set(name, p.readValueAsTree());
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    static TokenizerConfig parse(String json, String where) {
        try {
            return parse(MAPPER.readTree(json), where);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(where + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    private static TokenizerConfig parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new TokenizerException(where + ": not a tokenizer_config.json (the top level is not a JSON object)");
        }
        return new TokenizerConfig(tokenText(root.get("bos_token")), tokenText(root.get("eos_token")),
                chatTemplate(root.get("chat_template")));
    }

    private static String tokenText(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        JsonNode content = n.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    private static String chatTemplate(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isArray()) {
            for (JsonNode t : n) {
                if ("default".equals(t.path("name").asText()) && t.path("template").isTextual()) {
                    return t.get("template").asText();
                }
            }
        }
        return null;
    }
}
