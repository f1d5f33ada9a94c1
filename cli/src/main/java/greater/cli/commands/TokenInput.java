package greater.cli.commands;

import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;

import java.util.List;
import picocli.CommandLine.Option;

/** Token ids given directly ({@code --ids}) or as text ({@code --text}/{@code --prompt}, optionally as a chat turn). */
public final class TokenInput {
    @Option(names = "--ids", paramLabel = "1,2,3", description = "Comma-separated token ids.")
    String ids;

    @Option(names = {"--text", "--prompt"}, paramLabel = "S", description = "Text to tokenize with the model's tokenizer.")
    String text;

    /** The ids; with {@code chat}, the text is rendered as one user turn with the generation prompt. */
    int[] ids(LanguageModel lm, boolean chat) {
        if (ids != null) {
            if (chat) throw new UserInputException("--chat applies to --text/--prompt, not --ids");
            return IdList.parse(ids, lm.config().vocabSize());
        }
        var tok = lm.requireTokenizer();
        int[] out = chat
                ? ChatTemplate.resolve(null, lm.config().architecture().modelType, tok).apply(tok, List.of(Message.user(text))).ids()
                : tok.encode(text);
        if (out.length == 0) throw new UserInputException("--text/--prompt: '" + text + "' tokenizes to nothing");
        for (int id : out) {
            if (id >= lm.config().vocabSize()) {
                throw new UserInputException("the tokenizer produced id " + id + ", outside the model's vocabulary of " + lm.config().vocabSize());
            }
        }
        return out;
    }
}
