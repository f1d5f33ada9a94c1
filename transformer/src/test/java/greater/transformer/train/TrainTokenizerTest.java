package greater.transformer.train;

import greater.transformer.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BPE trainer, its encoder, and the tokenizer.json it writes (read back by us and by the project's Tokenizer). */
class TrainTokenizerTest {
    static final String CONVERSATION = ChatMl.prompt("Evaluate (3 + 4) * -2. Use think step by step.")
            + "Step by step: 3 + 4 = 7, so 7 * -2. 7 * -2 = -14. Therefore, the final answer is $-14$" + ChatMl.IM_END;

    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        String[] instructions = {"think step by step.", "just give the answer quickly.", "show your work carefully."};
        for (int i = 0; i < 300; i++) {
            int a = i % 19 - 9, b = (i * 7) % 19 - 9;
            texts.add(ChatMl.prompt("Evaluate " + a + " * " + b + ". Use " + instructions[i % 3])
                    + "Therefore, the final answer is $" + (a * b) + "$" + ChatMl.IM_END);
        }
        return texts;
    }

    @Test
    void mergesFrequentWordsButKeepsDigitsApart() {
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2);
        assertEquals(0, bpe.id(ChatMl.END_OF_TEXT));
        assertEquals(1, bpe.id(ChatMl.IM_START));
        assertEquals(2, bpe.id(ChatMl.IM_END));
        assertTrue(bpe.vocabSize() > 3 + 256 && bpe.vocabSize() <= 400, "vocab " + bpe.vocabSize());
        assertTrue(bpe.id("Therefore") > 0 && bpe.id("Ġstep") > 0, "frequent words become single tokens");
        int[] ids = bpe.encode(" 12345 -67$");
        StringBuilder spelled = new StringBuilder();
        for (int id : ids) spelled.append('|').append(bpe.token(id));
        assertEquals("|Ġ1|2|3|4|5|Ġ-|6|7|$", spelled.toString(), "one token per digit; '$' alone");
        int[] answer = bpe.encode("is $-14$");
        assertEquals("$", bpe.token(answer[answer.length - 1]));
        assertEquals("-", bpe.token(answer[answer.length - 4]), "the answer's sign does not fuse with the '$' before it");
    }

    @Test
    void encodeDecodeRoundTripsAnyText() {
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2);
        for (String s : new String[]{CONVERSATION, "naïve café — 東京 ✓\n\n  tabs\tand  spaces ", "", "<|im_end|><|im_end|>x"}) {
            assertEquals(s, bpe.decode(bpe.encode(s)), s);
        }
        assertEquals("x", bpe.decode(bpe.encode("<|im_end|>x"), true));
    }

    @Test
    void tokenizerJsonReadsBackIdentically(@TempDir Path dir) throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2);
        HfFiles.writeTokenizer(dir, bpe, 256);
        ByteLevelBpe again = ByteLevelBpe.read(dir.resolve("tokenizer.json"));
        assertEquals(bpe.vocabSize(), again.vocabSize());
        assertArrayEquals(bpe.encode(CONVERSATION), again.encode(CONVERSATION));
    }

    @Test
    void theProjectTokenizerEncodesLikeOurs(@TempDir Path dir) throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), 400, ChatMl.SPECIAL_TOKENS, 2);
        HfFiles.writeTokenizer(dir, bpe, 256);
        Tokenizer hf = Tokenizer.load(dir);
        for (String s : new String[]{CONVERSATION, "Evaluate ((-9 - -8) * 7) + 66. Use answer directly.", "naïve café 東京 ✓\n x"}) {
            assertArrayEquals(bpe.encode(s), hf.encode(s), s);
            assertEquals(s, hf.decode(bpe.encode(s)), s);
        }
    }
}
