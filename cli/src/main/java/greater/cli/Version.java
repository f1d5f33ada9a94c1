package greater.cli;

import greater.tensor.kernels.Parallel;
import greater.tensor.kernels.VectorApi;
import picocli.CommandLine;

/** {@code --version}: the program version and the machine path in use (JDK, vector width, threads). */
public final class Version implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[]{
                "greater " + VERSION,
                "JDK " + Runtime.version() + ", " + VectorApi.describe() + ", " + Parallel.THREADS + " threads"
        };
    }
}
