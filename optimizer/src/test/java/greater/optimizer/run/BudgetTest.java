package greater.optimizer.run;

import greater.tensor.SettingException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetTest {
    @Test
    void parsesTimesAndTokenCounts() {
        assertEquals(90, Budget.parse("90s").seconds());
        assertEquals(1200, Budget.parse("20min").seconds());
        assertEquals(1200, Budget.parse("20 m").seconds());
        assertEquals(5400, Budget.parse("1.5h").seconds());
        assertEquals(50_000, Budget.parse("50000tokens").generatedTokens());
        assertEquals(200_000, Budget.parse("200k tokens").generatedTokens());
        assertEquals(2_000_000, Budget.parse("2M tok").generatedTokens());
        assertEquals(Long.MAX_VALUE, Budget.parse("1h").generatedTokens());
        for (String bad : new String[]{"", "soon", "10", "-5min", "2k min", "0s", "0 tokens"}) {
            var e = assertThrows(SettingException.class, () -> Budget.parse(bad), bad);
            assertEquals("budget", e.setting());
            assertTrue(e.getMessage().startsWith("budget "), e.getMessage());
        }
    }

    @Test
    void aStepRunsOnlyWhenItAndTheClosingEvaluationsFit() {
        Budget tokens = Budget.parse("1000tokens");
        assertNull(tokens.exceeded(0, Double.NaN, Double.NaN, 500, 300, 200));
        assertNotNull(tokens.exceeded(0, Double.NaN, Double.NaN, 501, 300, 200));
        Budget time = Budget.parse("60s");
        assertNull(time.exceeded(30, 20, 10, 0, 0, 0));
        assertNotNull(time.exceeded(31, 20, 10, 0, 0, 0));
        assertNull(time.exceeded(59, Double.NaN, Double.NaN, 0, 0, 0), "before any step there is nothing measured to wait for");
        assertNull(Budget.NONE.exceeded(1e9, 1e9, 1e9, Long.MAX_VALUE / 4, 1, 1));
    }
}
