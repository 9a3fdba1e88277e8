package dev.amlite.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The launcher on a checkout not built yet, on a machine without Maven: it says what to install, not "command not found". */
class LauncherBuildTest {
    /** What the launcher runs besides Maven and Java (which it finds under /usr/lib/jvm). */
    private static final List<String> TOOLS = List.of("bash", "env", "dirname", "readlink", "cat", "sed", "head",
            "find", "mkdir", "rm", "mv");

    @TempDir
    Path temporary;

    @Test
    void withoutMavenAnUnbuiltCheckoutSaysWhatToInstall() throws Exception {
        Path checkout = Files.createDirectories(temporary.resolve("checkout"));
        Files.copy(Cli.root().resolve("amlite"), checkout.resolve("amlite"));
        Path bin = Files.createDirectories(temporary.resolve("bin"));
        for (String tool : TOOLS) {
            for (String folder : List.of("/usr/bin", "/bin")) {
                Path found = Path.of(folder, tool);
                if (Files.isExecutable(found) && !Files.exists(bin.resolve(tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), found);
                }
            }
        }
        assertThat(bin.resolve("mvn")).doesNotExist();
        for (List<String> command : List.of(List.of("--version"), List.of("up"), List.of("test"))) {
            ProcessBuilder builder = new ProcessBuilder(concat(List.of(bin.resolve("bash").toString(),
                    checkout.resolve("amlite").toString()), command)).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().put("PATH", bin.toString());
            builder.environment().put("HOME", temporary.toString());
            Process process = builder.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(command + ": " + output).isEqualTo(1);
            assertThat(output).as(command.toString()).contains("needs Maven (mvn), which is not on PATH")
                    .contains("apt-get install maven").doesNotContain("command not found");
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }
}
