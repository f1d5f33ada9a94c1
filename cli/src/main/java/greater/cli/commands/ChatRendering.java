package greater.cli.commands;

import greater.transformer.LanguageModel;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;
import greater.transformer.tokenizer.Tokenizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The model's chat template (or {@code --template NAME}) as the CLI uses it. */
final class ChatRendering {
    private ChatRendering() {
    }

    static ChatTemplate template(LanguageModel lm, String name) {
        return ChatTemplate.resolve(name, lm.config().architecture().modelType, lm.requireTokenizer());
    }

    /** Renders one user message as the full chat text with the generation prompt. */
    static UnaryOperator<String> userTurn(LanguageModel lm, String name) {
        ChatTemplate t = template(lm, name);
        Tokenizer tok = lm.requireTokenizer();
        return content -> t.render(List.of(Message.user(content)), true, tok.bosToken().orElse(""), tok.eosToken().orElse("")).text();
    }

    /** The ids of one user turn with the generation prompt, as transformers' apply_chat_template gives them. */
    static int[] userTurnIds(LanguageModel lm, String name, String content) {
        return template(lm, name).apply(lm.requireTokenizer(), List.of(Message.user(content))).ids();
    }

    /** The model's eos ids plus the template's end-of-turn token. */
    static Set<Integer> stopIds(LanguageModel lm, String name) {
        Set<Integer> ids = new LinkedHashSet<>(lm.stopIds());
        Tokenizer tok = lm.requireTokenizer();
        Integer eot = tok.tokenId(template(lm, name).endOfTurn());
        if (eot != null) ids.add(eot);
        tok.eosId().ifPresent(ids::add);
        return ids;
    }
}
