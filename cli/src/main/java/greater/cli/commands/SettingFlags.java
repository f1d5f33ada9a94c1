package greater.cli.commands;

import greater.tensor.SettingException;
import greater.tensor.UserInputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Which flag sets which library setting. The library names its settings in errors
 * ({@code fluencyWeight must be ...}); the commands report them under the flag the user typed
 * ({@code --control-weight must be ...} when the old name was used).
 */
public final class SettingFlags {
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("preset", "--preset"),
            Map.entry("steps", "--steps"),
            Map.entry("topK", "--topk"),
            Map.entry("topQ", "--topq"),
            Map.entry("selectionCandidates", "--candidates"),
            Map.entry("fluencyWeight", "--fluency-weight"),
            Map.entry("maxReasoningTokens", "--max-reasoning-tokens"),
            Map.entry("seed", "--seed"),
            Map.entry("ranking", "--ranking"),
            Map.entry("reasoningStop", "--reasoning-stop"),
            Map.entry("search", "--search"),
            Map.entry("tokenBudget", "--token-budget"),
            Map.entry("devTopK", "--dev-top-k"),
            Map.entry("budget", "--budget"),
            Map.entry("batchSize", "--batch"),
            Map.entry("peakLr", "--lr"),
            Map.entry("checkpointEvery", "--checkpoint-every"),
            Map.entry("initialPrompt", "--initial-prompt"),
            Map.entry("extractor", "--extractor"));

    private SettingFlags() {
    }

    /**
     * {@code make.get()}, with a {@link SettingException} turned into a one-line user error naming
     * the flag (as typed on {@code command}'s line) instead of the setting.
     */
    static <T> T check(CommandSpec command, Supplier<T> make) {
        try {
            return make.get();
        } catch (SettingException e) {
            throw new UserInputException(flag(command, e.setting()) + " " + e.problem(), e);
        }
    }

    /** The flag for {@code setting}: the name the user typed it with, else its primary name; the setting's own name when no flag sets it. */
    static String flag(CommandSpec command, String setting) {
        String primary = FLAGS.get(setting);
        OptionSpec option = primary == null ? null : command.findOption(primary);
        if (option == null) return setting;
        String typed = typedName(option, command.commandLine().getParseResult().originalArgs());
        return typed != null ? typed : primary;
    }

    /** The name {@code option} has in {@code args} ({@code --control-weight} for {@code --fluency-weight}'s old name), or null when it is not there. */
    public static String typedName(OptionSpec option, Iterable<String> args) {
        for (String arg : args) {
            for (String name : option.names()) if (arg.equals(name) || arg.startsWith(name + "=")) return name;
        }
        return null;
    }
}
