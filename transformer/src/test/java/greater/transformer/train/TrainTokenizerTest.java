package greater.transformer.train;

import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;
import greater.transformer.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BPE trainer and the tokenizer.json it writes, which the project's Tokenizer encodes with. */
class TrainTokenizerTest {
    static final String CONVERSATION = chatMl("Evaluate (3 + 4) * -2. Use think step by step.",
            "Step by step: 3 + 4 = 7, so 7 * -2. 7 * -2 = -14. Therefore, the final answer is $-14$");

    static String chatMl(String user, String reply) {
        return ChatTemplate.byName("chatml").render(List.of(Message.user(user), Message.assistant(reply)), false, "", "").text();
    }

    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        String[] instructions = {"think step by step.", "just give the answer quickly.", "show your work carefully."};
        for (int i = 0; i < 300; i++) {
            int a = i % 19 - 9, b = (i * 7) % 19 - 9;
            texts.add(chatMl("Evaluate " + a + " * " + b + ". Use " + instructions[i % 3], "Therefore, the final answer is $" + (a * b) + "$"));
        }
        return texts;
    }

    private static int[] ids(Tokenizer tokenizer, String text) {
        return tokenizer.encode(text, false, true).ids();
    }

    @Test
    void mergesFrequentWordsButKeepsDigitsApart() {
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2);
        assertEquals(0, bpe.id(ChatMl.END_OF_TEXT));
        assertEquals(1, bpe.id(ChatMl.IM_START));
        assertEquals(2, bpe.id(ChatMl.IM_END));
        assertTrue(bpe.vocabSize() > 3 + 256 && bpe.vocabSize() <= 400, "vocab " + bpe.vocabSize());
        assertTrue(bpe.id("Therefore") > 0 && bpe.id("Ġstep") > 0, "frequent words become single tokens");
        Tokenizer tokenizer = bpe.tokenizer();
        StringBuilder spelled = new StringBuilder();
        for (int id : ids(tokenizer, " 12345 -67$")) spelled.append('|').append(bpe.token(id));
        assertEquals("|Ġ1|2|3|4|5|Ġ-|6|7|$", spelled.toString(), "one token per digit; '$' alone");
        int[] answer = ids(tokenizer, "is $-14$");
        assertEquals("$", bpe.token(answer[answer.length - 1]));
        assertEquals("-", bpe.token(answer[answer.length - 4]), "the answer's sign does not fuse with the '$' before it");
    }

    @Test
    void encodeDecodeRoundTripsAnyText() {
        Tokenizer tokenizer = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2).tokenizer();
        for (String s : new String[]{CONVERSATION, "naïve café — 東京 ✓\n\n  tabs\tand  spaces ", "", "<|im_end|><|im_end|>x"}) {
            assertEquals(s, tokenizer.decode(ids(tokenizer, s)), s);
        }
        assertEquals("x", tokenizer.decode(ids(tokenizer, "<|im_end|>x"), true));
    }

    /** The trainer counts words with java.util.regex; the tokenizer splits with its own regex engine: the same words. */
    @Test
    void theTokenizerSplitsTheWordsTheTrainerCounted() {
        Tokenizer tokenizer = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2).tokenizer();
        for (String s : new String[]{"Evaluate ((-9 - -8) * 7) + 66. Use answer directly.", "naïve café 東京 ✓\n x", "it's  $12$\t\n\n end  "}) {
            List<Integer> wordByWord = new ArrayList<>();
            Matcher m = ByteLevelBpe.WORDS.matcher(s);
            while (m.find()) for (int id : ids(tokenizer, m.group())) wordByWord.add(id);
            assertEquals(wordByWord, java.util.Arrays.stream(ids(tokenizer, s)).boxed().toList(), s);
        }
    }

    @Test
    void tokenizerJsonReadsBackIdentically(@TempDir Path dir) throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2);
        HfFiles.writeTokenizer(dir, bpe, 256);
        ByteLevelBpe again = ByteLevelBpe.read(dir.resolve("tokenizer.json"));
        assertEquals(bpe.toTokenizerJson(), again.toTokenizerJson());
        assertArrayEquals(ids(bpe.tokenizer(), CONVERSATION), ids(Tokenizer.load(dir), CONVERSATION));
    }
}
