package greater.optimizer.run;

/**
 * Crash points for the resume tests. With the system property {@code greater.test.halt=POINT:N}
 * the JVM halts (as {@code kill -9} would: no shutdown hooks, no flush, exit status 137) when the
 * run reaches that point for the N-th time (the step number for step points); with
 * {@code greater.test.crash=POINT:N} it throws {@link Crash} there instead, which leaves the
 * same files behind and lets a test simulate many kills in one JVM. The points are "trace"
 * (step N's trace line written, its checkpoint not), "checkpoint" (half of step N's checkpoint
 * written to its temporary file), "step" (step N checkpointed), "dev" (N-th dev evaluation saved)
 * and "final" (the final evaluation saved, result.json not yet written). Unset, a no-op.
 */
public final class FaultInjection {
    public static final String HALT = "greater.test.halt";
    public static final String CRASH = "greater.test.crash";
    /** The exit status of a halted JVM, as the shell reports a process killed by signal 9. */
    public static final int STATUS = 137;

    /** A simulated crash; an Error so that no handler on the way mistakes it for a failure to recover from. */
    public static final class Crash extends Error {
        Crash(String point) {
            super("simulated crash at " + point);
        }
    }

    private FaultInjection() {
    }

    static void point(String name, int n) {
        String here = name + ":" + n;
        if (here.equals(System.getProperty(HALT))) {
            System.err.println(HALT + ": halting at " + here);
            System.err.flush();
            Runtime.getRuntime().halt(STATUS);
        }
        if (here.equals(System.getProperty(CRASH))) throw new Crash(here);
    }
}
