package greater.cli;

import greater.tensor.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code greater} program: a thin picocli layer over the library. Every failure ends as one
 * line on stderr: a {@link UserInputException} (any problem with a file, flag, data or setting,
 * whichever layer found it) names the file or flag and exits with code 2; anything else is a bug,
 * exits with code 1 and says so. The stack trace appears only with {@code --verbose}.
 */
@Command(name = "greater",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "GReaTer: prompt optimization by gradients over reasoning, in pure Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                greater.cli.commands.InspectCommand.class,
                greater.cli.commands.LogitsCommand.class,
                greater.cli.commands.GenerateCommand.class,
                greater.cli.commands.TokenizeCommand.class,
                greater.cli.commands.OptimizeCommand.class,
                greater.cli.commands.EvaluateCommand.class,
                greater.cli.commands.BenchCommand.class,
                greater.cli.commands.TrainCommand.class,
        })
public final class GreaterCommand implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GreaterCommand());
        // An empty path would silently mean the working folder (an unset shell variable, --model "$DIR", looks like this).
        cli.registerConverter(Path.class, text -> {
            if (text.isEmpty()) throw new CommandLine.TypeConversionException("the path is empty");
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        for (String name : new String[]{"optimize", "evaluate"}) {
            cli.getSubcommands().get(name).getCommandSpec().usageMessage().footer(greater.cli.commands.TaskOptions.presetsHelp());
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.originalArgs().contains("--verbose");
            PrintWriter err = commandLine.getErr();
            if (verbose) ex.printStackTrace(err);
            boolean userError = ex instanceof UserInputException;
            err.println("error: " + oneLine(ex) + (userError || verbose ? ""
                    : " (an internal error, " + ex.getClass().getName() + "; --verbose prints its stack trace)"));
            err.flush();
            return userError ? 2 : 1;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // picocli starts some of its messages with "Error: "; ours already says "error: ".
            err.println("error: " + asTyped(ex.getMessage().replaceFirst("^Error: ", ""), ex.getArgSpec(), List.of(args)));
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return 2;
        });
        return cli;
    }

    /**
     * {@code message} with the option it quotes under the name the user typed: picocli quotes one
     * name of an option ({@code '--fluency-weight'} when {@code --control-weight} was given).
     */
    static String asTyped(String message, CommandLine.Model.ArgSpec arg, List<String> args) {
        if (!(arg instanceof CommandLine.Model.OptionSpec option)) return message;
        String typed = greater.cli.commands.SettingFlags.typedName(option, args);
        if (typed == null) return message;
        for (String name : option.names()) message = message.replace("'" + name + "'", "'" + typed + "'");
        return message;
    }

    /** The message of {@code ex}, or of the first cause that has one, on one line. */
    static String oneLine(Throwable ex) {
        Throwable t = ex;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return msg.replace('\n', ' ');
    }
}
