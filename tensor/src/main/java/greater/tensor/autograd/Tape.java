package greater.tensor.autograd;

import greater.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode autodiff as a tape: while a tape is recording on this thread, every op whose
 * inputs reach a tensor that requires gradients appends one {@link Node} (its output and its
 * backward). Execution order is a topological order, so {@link #backward} is a plain loop over
 * the tape in reverse: no recursion, no graph search, and ops that touch only frozen tensors are
 * never recorded at all. That is exactly the prompt-gradient case: with frozen weights and
 * {@code inputs_embeds} requiring gradients, only input gradients are ever computed.
 *
 * <pre>
 *   try (Tape tape = Tape.record()) {
 *       Tensor loss = ...ops on x (x.requiresGrad(true))...;
 *       tape.backward(loss);          // x.grad() now holds dloss/dx
 *   }
 * </pre>
 * Gradients accumulate ({@code +=}), so a tensor used twice gets both contributions.
 * After backward, every intermediate gradient and every saved activation is released.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();

    /** One recorded op: its output and how to send the output's gradient to its inputs. */
    private record Node(Tensor output, Backward backward) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Tape outer;

    private Tape(Tape outer) {
        this.outer = outer;
    }

    /** Starts recording on this thread (nested tapes shadow the outer one until closed). */
    public static Tape record() {
        Tape tape = new Tape(CURRENT.get());
        CURRENT.set(tape);
        return tape;
    }

    /** The tape recording on this thread, or null. */
    public static Tape current() {
        return CURRENT.get();
    }

    /**
     * Called by every op after computing {@code output}: if a tape is recording and some input
     * requires gradients, marks the output as requiring gradients and records {@code backward}.
     */
    public static void record(Tensor output, Backward backward, Tensor... inputs) {
        Tape tape = CURRENT.get();
        if (tape == null) return;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                output.requiresGrad(true);
                tape.nodes.add(new Node(output, backward));
                return;
            }
        }
    }

    /** True when an op with these inputs would be recorded (ops use it to skip saving activations). */
    public static boolean needsGrad(Tensor... inputs) {
        if (CURRENT.get() == null) return false;
        for (Tensor in : inputs) if (in != null && in.requiresGrad()) return true;
        return false;
    }

    /** Number of recorded ops. */
    public int size() {
        return nodes.size();
    }

    /**
     * Backpropagates from {@code loss}, seeding d(loss)/d(loss) = 1 for every element (a scalar
     * loss in practice), then releases the tape. Leaves that require gradients keep theirs.
     */
    public void backward(Tensor loss) {
        float[] seed = loss.gradBuffer();
        java.util.Arrays.fill(seed, 1f);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            float[] g = node.output.grad();
            if (g != null) node.backward.propagate(g);
            node.output.zeroGrad(); // intermediate gradient no longer needed
            nodes.set(i, null);     // release the closure and the activations it saved
        }
        nodes.clear();
    }

    @Override
    public void close() {
        nodes.clear();
        if (CURRENT.get() == this) {
            if (outer != null) CURRENT.set(outer);
            else CURRENT.remove();
        }
    }
}
