// Whether the kernels run on the Vector API (jdk.incubator.vector) or on their scalar twins.
package greater.tensor.kernels;

/**
 * Decided once, when the first kernel runs. The Vector API is an incubator module: a JVM started
 * without {@code --add-modules jdk.incubator.vector} (an application server, a sandbox, plain
 * {@code java -jar}) does not have it, and a class holding a {@code VectorSpecies} in a static
 * field would fail to initialise there. So every kernel family keeps its vector code in a separate
 * {@code *Vector} class that is only loaded when {@link #ENABLED}, and otherwise runs its scalar
 * twins (same results at the kernel tests' tolerances, 20–35× slower on a model), after one line
 * on stderr saying so. {@code -Dgreater.vector=false} forces the scalar kernels (as llama3.java's
 * {@code -Dllama.VectorBitSize=0} does).
 *
 * <p>Reproducibility: the vector kernels give the same bits whether the JVM interprets them or C1
 * or C2 compiled them, so two runs of a program on the same CPU, JDK and thread count
 * ({@code -Dgreater.threads}) give bitwise-identical results, however JIT and thread timing fall:
 * horizontal sums go through {@link VectorMath#sum}'s fixed tree and exp/tanh through its
 * polynomial, never {@code reduceLanes(ADD)} or {@code lanewise(EXP)}, whose order and last bits
 * differ between the Vector API's Java fallback and C2's intrinsics ({@code
 * JitModeReproducibilityTest}). A different thread count may change the last bits (kernels split
 * their work, and some sums, by thread), as may a CPU with another vector width. The scalar twins
 * are deterministic too but differ from the vector kernels in the last bits.
 */
public final class VectorApi {
    /** System property that disables the Vector API when set to {@code false}. */
    public static final String PROPERTY = "greater.vector";
    /** Why the scalar kernels run, or null when the Vector API is used. */
    private static final String SCALAR_REASON = decide();
    /** True when the kernels use the Vector API. */
    public static final boolean ENABLED = SCALAR_REASON == null;

    private VectorApi() {
    }

    /** One line for version and benchmark headers: the vector species in use, or the scalar fallback. */
    public static String describe() {
        return ENABLED ? WeightsVector.describe() : "scalar kernels (" + SCALAR_REASON + ")";
    }

    /** Null for the Vector API, else the reason for the scalar kernels (announced on stderr). */
    private static String decide() {
        String why = reason();
        if (why == null) {
            try {
                // initialises the species every vector kernel uses; fails if the platform has none
                Class.forName("greater.tensor.kernels.WeightsVector", true, VectorApi.class.getClassLoader());
                return null;
            } catch (LinkageError | ClassNotFoundException e) {
                why = "the Vector API failed to start (" + e + ")";
            }
        }
        System.err.println("greater: running the scalar kernels, " + why + (disabledByProperty()
                ? "; remove -D" + PROPERTY + "=false to use the Vector API"
                : "; start java with --add-modules jdk.incubator.vector (the ./greater launcher does) for the"
                        + " Vector API kernels, 20-35x faster"));
        return why;
    }

    /** Why the Vector API is not used, or null when nothing speaks against it. */
    private static String reason() {
        if (disabledByProperty()) return "-D" + PROPERTY + "=false";
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the module jdk.incubator.vector is not in this JVM";
        }
        return null;
    }

    private static boolean disabledByProperty() {
        return "false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }
}
