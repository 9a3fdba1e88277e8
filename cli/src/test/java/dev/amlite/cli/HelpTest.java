package dev.amlite.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
        assertThat(help("ml", "job", "create", "--help")).contains("--stream").contains("--file");
        assertThat(help("ml", "compute", "create", "-h")).contains("--min-instances");
        assertThat(help("group", "create", "--help")).as("required options do not block help").contains("--location");
        // The asset commands keep --version for the asset's version, as in az.
        assertThat(help("ml", "model", "create", "--help")).contains("-v, --version=<version>");
    }
}
