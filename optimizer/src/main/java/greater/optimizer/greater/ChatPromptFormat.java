package greater.optimizer.greater;

import greater.optimizer.task.Example;
import greater.tensor.SettingException;
import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;
import greater.transformer.tokenizer.Encoding;
import greater.transformer.tokenizer.TokenSpan;
import greater.transformer.tokenizer.Tokenizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The GReaTer layout over a real tokenizer and chat template. The template is rendered once
 * around a marker to learn the text before and after the user's content (header and generation
 * prompt); each piece is then tokenized on its own, so the prompt tokens are exactly the ids the
 * optimizer edits and their positions are known:
 * <pre>
 *   prefix = ids(head) ⊕ ids(question + ". Use")     prompt = ids(" " + prompt)
 *   suffix = ids(tail)                               target = ids(" " + extractor + answer)
 * </pre>
 * ". Use" is the official code's (attack_manager.py:2018-2019 at 42a22d9; docs/ALGORITHM.md §1).
 * Special-token literals are parsed in the template's text and never in user text.
 */
public final class ChatPromptFormat implements PromptFormat {
    private static final String MARKER = "\u2063GREATER_CONTENT\u2063";
    private final Tokenizer tokenizer;
    private final int[] head, tail;
    private final Set<Integer> stopIds;
    private final UnaryOperator<String> renderUserTurn;
    private boolean[] allowed;

    /**
     * @param renderUserTurn renders one user message as the full chat text, generation prompt included
     * @param stopIds        ids that end an assistant turn (eos, end-of-turn)
     */
    public ChatPromptFormat(Tokenizer tokenizer, UnaryOperator<String> renderUserTurn, Set<Integer> stopIds) {
        this.tokenizer = tokenizer;
        String rendered = renderUserTurn.apply(MARKER);
        int at = rendered.indexOf(MARKER);
        if (at < 0) throw new IllegalArgumentException("the chat template dropped the user's content");
        this.head = tokenizer.encode(rendered.substring(0, at), false, true).ids();
        this.tail = tokenizer.encode(rendered.substring(at + MARKER.length()), false, true).ids();
        this.stopIds = Set.copyOf(stopIds);
        this.renderUserTurn = renderUserTurn;
    }

    /**
     * The format of a loaded model: its tokenizer, its chat template ({@code templateName} overrides
     * the one the tokenizer config declares), and its eos ids plus the template's end-of-turn token.
     */
    public static ChatPromptFormat of(LanguageModel lm, String templateName) {
        Tokenizer tok = lm.requireTokenizer();
        return of(tok, ChatTemplate.resolve(templateName, lm.config().architecture().modelType, tok), lm.stopIds());
    }

    /**
     * The format of {@code template} over {@code tok}: the user turn as the template renders it with
     * the generation prompt (for Qwen3 without thinking, {@code qwen3-nothink}, that ends with an
     * empty think block), stopping at {@code modelStops}, the template's end-of-turn token and eos.
     */
    public static ChatPromptFormat of(Tokenizer tok, ChatTemplate template, Set<Integer> modelStops) {
        Set<Integer> stops = new LinkedHashSet<>(modelStops);
        Integer eot = tok.tokenId(template.endOfTurn());
        if (eot != null) stops.add(eot);
        tok.eosId().ifPresent(stops::add);
        String bos = tok.bosToken().orElse(""), eos = tok.eosToken().orElse("");
        return new ChatPromptFormat(tok, content -> template.render(List.of(Message.user(content)), true, bos, eos).text(), stops);
    }

    @Override
    public SampleLayout layout(Example example, String extractor) {
        int[] question = text(example.question() + ". Use");
        String head = " " + extractor;
        String target = head + example.answer();
        Encoding enc = tokenizer.encode(target, false, false);
        TokenSpan answer = enc.tokensCovering(head.length(), target.length());
        if (answer.isEmpty()) throw new UserInputException("cannot locate the answer '" + example.answer() + "' after the extractor in its tokens");
        if (answer.start() == 0) { // the first token covering the answer also holds all of " " + extractor
            throw new SettingException("extractor", "'" + extractor + "' merges into the first token of the answer '" + example.answer()
                    + "', so the answer cannot be located after it (end the extractor so that the answer starts a token of its own, "
                    + "as \"Therefore, the final answer is $\" does)");
        }
        return new SampleLayout(example, Sample.concat(this.head, question), tail, enc.ids(), answer.start());
    }

    /** The template's text around question + ". Use " + prompt: exactly the text whose pieces {@link #layout} tokenizes. */
    @Override
    public String renderedText(Example example, String extractor, String prompt) {
        return renderUserTurn.apply(example.question() + ". Use " + prompt.strip());
    }

    @Override
    public int[] encodePrompt(String prompt) {
        return prompt.isBlank() ? new int[0] : text(" " + prompt.strip());
    }

    @Override
    public String decodePrompt(int[] ids) {
        String s = tokenizer.decode(ids, true);
        return s.startsWith(" ") ? s.substring(1) : s;
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public int[] encode(String text) {
        return text(text);
    }

    private int[] text(String s) {
        return tokenizer.encode(s, false, false).ids();
    }

    @Override
    public synchronized boolean isAllowedCandidate(int id) {
        if (allowed == null) {
            allowed = new boolean[tokenizer.vocabSize()];
            for (int i = 0; i < allowed.length; i++) allowed[i] = isWordToken(i);
        }
        return id >= 0 && id < allowed.length && allowed[id];
    }

    /** ASCII letters and spaces only, or exactly ",", "." or " " (docs/ALGORITHM.md §2.2; attack_manager.py:86-114); never special. */
    private boolean isWordToken(int id) {
        if (tokenizer.isSpecial(id)) return false;
        String s;
        try {
            s = tokenizer.decodeToken(id);
        } catch (RuntimeException e) {
            return false; // a hole in the vocabulary
        }
        if (s.isEmpty()) return false;
        if (s.equals(",") || s.equals(".") || s.equals(" ")) return true;
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean isLetter = c < 128 && Character.isLetter(c);
            if (!isLetter && c != ' ') return false;
            letter |= isLetter;
        }
        return letter;
    }

    @Override
    public int fillerToken() {
        Integer id = tokenizer.tokenId("_");
        if (id != null) return id;
        int[] ids = text("_");
        if (ids.length == 0) throw new IllegalStateException("the tokenizer has no token for '_'");
        return ids[ids.length - 1];
    }

    @Override
    public Set<Integer> stopIds() {
        return stopIds;
    }
}
