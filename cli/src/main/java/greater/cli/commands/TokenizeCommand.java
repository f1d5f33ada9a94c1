package greater.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.UserInputException;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;
import greater.transformer.config.ModelConfig;
import greater.transformer.tokenizer.Tokenizer;
import greater.transformer.tokenizer.TokenizerException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code greater tokenize}: ids of a text as a JSON array; {@code --jsonl} reads one JSON string
 * per line of the file and prints one array per line; {@code --chat} renders each text as a user
 * turn with the generation prompt; {@code --decode} reads id arrays (or takes
 * them as its value, {@code --decode 169,254,238}) and prints the text instead.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Tokenize text (or decode ids) with a HuggingFace tokenizer.json.")
public final class TokenizeCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "Model folder (tokenizer files and config.json).")
        Path model;
        @Option(names = "--tokenizer", paramLabel = "DIR", description = "Folder with tokenizer.json [+ tokenizer_config.json].")
        Path tokenizer;
    }

    static final class Input {
        @Option(names = "--text", paramLabel = "S", description = "The text.")
        String text;
        @Option(names = "--text-file", paramLabel = "F", description = "Read the text from a file.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Input input = new Input();
    @Option(names = "--jsonl", description = "The file holds one JSON string per line (or one JSON id array with --decode).")
    boolean jsonl;
    @Option(names = "--chat", description = "Render each text as one user turn with the chat template and the generation prompt.")
    boolean chat;
    @Option(names = "--template", paramLabel = "NAME", description = "Chat template override.")
    String template;
    @Option(names = "--decode", arity = "0..1", fallbackValue = "", paramLabel = "IDS",
            description = "Decode: the ids given here (--decode 169,254,238), or the input (--text/--text-file) as a JSON array of ids or ids separated by commas.")
    String decodeIds;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        Path dir = source.model != null ? source.model : source.tokenizer;
        if (!Files.exists(dir)) throw new UserInputException((source.model != null ? "--model: " : "--tokenizer: ") + dir + " does not exist");
        boolean decode = decodeIds != null;
        boolean idsInline = decode && !decodeIds.isEmpty();
        if (idsInline && (input.text != null || input.file != null)) throw new UserInputException("--decode IDS cannot be combined with --text or --text-file");
        if (!idsInline && input.text == null && input.file == null) throw new UserInputException("give the input with --text or --text-file (or the ids with --decode IDS)");
        Tokenizer tok = Tokenizer.load(dir);
        if (jsonl && input.file == null) throw new UserInputException("--jsonl needs --text-file");
        if (decode && chat) throw new UserInputException("--decode and --chat cannot be combined");
        ChatTemplate t;
        try {
            t = chat ? ChatTemplate.resolve(template, modelType(dir), tok) : null;
        } catch (TokenizerException e) {
            throw new UserInputException((template != null ? "--template: " : "--chat: ") + e.getMessage(), e);
        }
        List<String> texts = new ArrayList<>();
        if (idsInline) {
            texts.add(decodeIds);
        } else if (input.text != null) {
            texts.add(input.text);
        } else if (jsonl) {
            List<String> lines = readText(input.file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                texts.add(lines.get(i));
            }
        } else {
            texts.add(readText(input.file));
        }
        for (int i = 0; i < texts.size(); i++) {
            String raw = texts.get(i);
            if (decode) {
                int[] ids = raw.strip().startsWith("[") ? parse(raw, int[].class, i) : commaSeparated(raw, i);
                String text;
                try {
                    text = tok.decode(ids);
                } catch (TokenizerException e) { // an id outside the vocabulary; the message names tokenizer.json
                    throw new UserInputException(where(i) + ": " + e.getMessage(), e);
                }
                System.out.println(json.writeValueAsString(text));
            } else {
                String text = jsonl ? parse(raw, String.class, i) : raw;
                int[] ids = t != null ? t.apply(tok, List.of(Message.user(text))).ids() : tok.encode(text);
                System.out.println(json.writeValueAsString(ids));
            }
        }
        return 0;
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserInputException("--text-file: " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UserInputException("--text-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private <T> T parse(String line, Class<T> type, int index) {
        try {
            return json.readValue(line, type);
        } catch (IOException e) {
            throw new UserInputException(where(index) + ": not a JSON " + (type == String.class ? "string" : "array of ids"));
        }
    }

    private int[] commaSeparated(String text, int index) {
        try {
            return java.util.Arrays.stream(text.strip().split("\\s*,\\s*")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UserInputException(where(index) + ": neither a JSON array of ids nor ids separated by commas");
        }
    }

    /** Where the {@code index}-th input came from: the flag, or the file and line with {@code --jsonl}. */
    private String where(int index) {
        if (jsonl) return input.file + ": line " + (index + 1);
        if (input.file != null) return "--text-file " + input.file;
        return input.text != null ? "--text" : "--decode";
    }

    /** model_type from config.json beside the tokenizer, or null (the template then comes from tokenizer_config.json). */
    private static String modelType(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.exists(config)) return null;
        return ModelConfig.modelTypeOf(config);
    }
}
