package dev.amlite.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} answers on every command and group, as az's does, without a server. */
class HelpTest {
    private static String help(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyTopLevelGroupAndDeepCommandHasHelp() {
        for (String group : Main.COMMANDS.keySet()) {
            assertThat(help(group, "--help")).contains("Usage: amlite " + group);
        }
        for (String group : MlCommands.GROUPS.keySet()) {
            assertThat(help("ml", group, "--help")).contains("Usage: amlite ml " + group);
        }
        assertThat(help("ml", "--help")).as("ml's help lists every group").contains(MlCommands.GROUPS.keySet());
        assertThat(help("ml", "job", "create", "--help")).contains("--stream").contains("--file");
        assertThat(help("ml", "compute", "create", "-h")).contains("--min-instances");
        assertThat(help("group", "create", "--help")).as("required options do not block help").contains("--location");
        // The asset commands keep --version for the asset's version, as in az.
        assertThat(help("ml", "model", "create", "--help")).contains("-v, --version=<version>");
    }

    @Test
    void onlyTheNamedGroupsAreBuilt() {
        CommandLine named = Main.commandLine(new String[] {"ml", "model", "list"});
        assertThat(named.getSubcommands()).containsOnlyKeys("ml");
        assertThat(named.getSubcommands().get("ml").getSubcommands()).containsOnlyKeys("model");
        // A word that names nothing gets every group, so that picocli can suggest the nearest.
        CommandLine typo = Main.commandLine(new String[] {"ml", "modle", "list"});
        assertThat(typo.getSubcommands().get("ml").getSubcommands()).containsOnlyKeys(MlCommands.GROUPS.keySet());
        assertThat(Main.commandLine(new String[] {"--help", "model"}).getSubcommands().get("ml").getSubcommands())
                .as("ml's groups are pruned only under ml").containsOnlyKeys(MlCommands.GROUPS.keySet());
        assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands()).as("--version needs no group").isEmpty();
        assertThat(help("--version")).startsWith("amlite ").contains("java ");
        System.setProperty("amlite.cli.wholeTree", "true");
        try {
            CommandLine whole = Main.commandLine(new String[] {"ml", "model", "list"});
            assertThat(whole.getSubcommands()).as("the launcher's recording run").containsOnlyKeys(Main.COMMANDS.keySet());
            assertThat(whole.getSubcommands().get("ml").getSubcommands()).containsOnlyKeys(MlCommands.GROUPS.keySet());
        } finally {
            System.clearProperty("amlite.cli.wholeTree");
        }
    }
}
