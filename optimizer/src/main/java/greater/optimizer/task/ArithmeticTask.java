package greater.optimizer.task;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Multi-step integer arithmetic in the spirit of BBH's multistep_arithmetic_two, sized for a small
 * model: {@code minOps..maxOps} operations (+, -, *) on integers in [-maxOperand, maxOperand],
 * every sub-expression in parentheses, negative numbers written BBH-style ({@code 7 * -2},
 * {@code 5 - -3}). Every intermediate result stays within ±maxValue and every product has
 * factors within ±maxFactor, so each single step is small-table arithmetic while the whole
 * needs several steps.
 *
 * <p>Generation is seeded. The split is a function of the question text alone
 * ({@link #splitOf}: a 64-bit hash, one question in {@value #TEST_BUCKETS} goes to TEST), so the
 * train and test splits never share a question, whatever the seeds and counts.
 */
public final class ArithmeticTask {
    /** The text between the reasoning and the answer (the answer follows directly, then "$"). */
    public static final String EXTRACTOR = "Therefore, the final answer is $";
    public static final String ANSWER_END = "$";
    /** Joins question and instruction in the user turn, as GReaTer does (attack_manager.py:2018-2019): question + ". Use " + instruction. */
    public static final String USE = ". Use ";
    static final int TEST_BUCKETS = 8;

    public enum Split { TRAIN, TEST }

    /** Size limits of the generated problems. */
    public record Settings(int minOps, int maxOps, int maxOperand, int maxValue, int maxFactor) {
        public Settings {
            if (minOps < 1 || maxOps < minOps) throw new IllegalArgumentException("need 1 <= minOps <= maxOps");
            if (maxOperand < 1 || maxValue < maxOperand || maxFactor < 1) throw new IllegalArgumentException("bad limits");
        }
    }

    /** The demo's distribution: 2 to 4 operations on -9..9, results within ±99, products of one-digit factors. */
    public static final Settings DEFAULT = new Settings(2, 4, 9, 99, 9);

    private final Settings settings;

    public ArithmeticTask(Settings settings) {
        this.settings = settings;
    }

    public ArithmeticTask() {
        this(DEFAULT);
    }

    /** The split a question belongs to (depends only on its text). */
    public static Split splitOf(String question) {
        long h = 0xcbf29ce484222325L;                      // FNV-1a 64, then a SplitMix64 finalizer
        for (byte b : question.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return Long.remainderUnsigned(h, TEST_BUCKETS) == 0 ? Split.TEST : Split.TRAIN;
    }

    /** One random problem of {@code split}. */
    public ArithmeticProblem sample(RandomGenerator rng, Split split) {
        while (true) {
            int ops = settings.minOps() + rng.nextInt(settings.maxOps() - settings.minOps() + 1);
            Node root = tree(rng, ops);
            List<ArithmeticProblem.Step> steps = new ArrayList<>();
            Integer value = evaluate(root, steps);
            if (value == null) continue;
            String question = "Evaluate " + root.text(true);
            if (splitOf(question) != split) continue;
            List<String> chain = new ArrayList<>();
            for (Node n = root; ; n = reduceFirst(n)) {
                chain.add(n.text(true));
                if (n.isLeaf()) break;
            }
            return new ArithmeticProblem(question, value, steps, chain);
        }
    }

    /** {@code count} distinct problems of {@code split}, drawn from a generator seeded with {@code seed}. */
    public List<ArithmeticProblem> problems(Split split, int count, long seed) {
        RandomGenerator rng = new java.util.SplittableRandom(seed);
        Set<String> seen = new LinkedHashSet<>();
        List<ArithmeticProblem> out = new ArrayList<>();
        int tries = 0;
        while (out.size() < count) {
            if (++tries > 1000L * count + 10000) throw new IllegalStateException("cannot find " + count + " distinct problems");
            ArithmeticProblem p = sample(rng, split);
            if (seen.add(p.question())) out.add(p);
        }
        return out;
    }

    /** {@link #problems} as task examples (question, final answer string), like a BBH file's rows. */
    public List<Example> examples(Split split, int count, long seed) {
        return problems(split, count, seed).stream().map(ArithmeticProblem::toExample).toList();
    }

    /** The user turn: the question, ". Use ", the instruction. */
    public static String userTurn(String question, String instruction) {
        return question + USE + instruction;
    }

    // ---- expression trees -------------------------------------------------------------------

    private record Node(int leaf, char op, Node left, Node right) {
        boolean isLeaf() {
            return left == null;
        }

        String text(boolean root) {
            if (isLeaf()) return Integer.toString(leaf);
            String s = left.text(false) + " " + op + " " + right.text(false);
            return root ? s : "(" + s + ")";
        }
    }

    private static final char[] OPS = {'+', '-', '*'};

    /** A uniformly random split of {@code ops} operations between the two sides, recursively. */
    private Node tree(RandomGenerator rng, int ops) {
        if (ops == 0) {
            int m = settings.maxOperand();
            return new Node(rng.nextInt(2 * m + 1) - m, ' ', null, null);
        }
        int leftOps = rng.nextInt(ops);
        return new Node(0, OPS[rng.nextInt(OPS.length)], tree(rng, leftOps), tree(rng, ops - 1 - leftOps));
    }

    /** The tree with its first operation in evaluation order (leftmost, innermost) replaced by its value. */
    private static Node reduceFirst(Node n) {
        if (n.left().isLeaf() && n.right().isLeaf()) return new Node(apply(n.op(), n.left().leaf(), n.right().leaf()), ' ', null, null);
        if (!n.left().isLeaf()) return new Node(0, n.op(), reduceFirst(n.left()), n.right());
        return new Node(0, n.op(), n.left(), reduceFirst(n.right()));
    }

    private static int apply(char op, int a, int b) {
        return switch (op) {
            case '+' -> a + b;
            case '-' -> a - b;
            default -> a * b;
        };
    }

    /** The value, appending steps in evaluation order; null when a limit is broken. */
    private Integer evaluate(Node n, List<ArithmeticProblem.Step> steps) {
        if (n.isLeaf()) return n.leaf();
        Integer a = evaluate(n.left(), steps);
        if (a == null) return null;
        Integer b = evaluate(n.right(), steps);
        if (b == null) return null;
        if (n.op() == '*' && (Math.abs(a) > settings.maxFactor() || Math.abs(b) > settings.maxFactor())) return null;
        int r = apply(n.op(), a, b);
        if (Math.abs(r) > settings.maxValue()) return null;
        steps.add(new ArithmeticProblem.Step(a, n.op(), b, r));
        return r;
    }
}
