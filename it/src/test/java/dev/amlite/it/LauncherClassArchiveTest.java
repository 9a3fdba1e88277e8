package dev.amlite.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's class archive for the CLI (an AOT cache on JDK 25+, class data sharing before): the first command
 * that talks to a server records it without a word more on its output, the runs after use it, whichever command
 * group they are, and a damaged archive costs time, never an answer (on JDK 25+ it is made again).
 */
class LauncherClassArchiveTest {
    private static final Path BUILD = Cli.root().resolve(".amlite-build");

    @TempDir
    Path temporary;

    @Test
    void theFirstCommandRecordsTheArchiveSilentlyAndLaterCommandsUseItOrDoWithoutIt() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            Path archive = BUILD.resolve(javaMajor() >= 25 ? "cli.aot" : "cli.jsa");
            awaitNoLock();
            Files.deleteIfExists(BUILD.resolve("cli.aot"));
            Files.deleteIfExists(BUILD.resolve("cli.jsa"));
            Files.deleteIfExists(BUILD.resolve("cli.aotconf"));

            assertExactly(cli.run("group", "show", "-n", "rg1", "--query", "name", "-o", "tsv"), "rg1\n");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (!(Files.exists(archive) && !Files.exists(BUILD.resolve("cli.aot.lock"))) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertThat(archive).as("recorded by the first command that talked to the server").exists();
            assertThat(BUILD.resolve("cli.aotconf")).as("the recorded configuration, once the cache is made").doesNotExist();

            assertExactly(cli.run("group", "show", "-n", "rg1", "--query", "name", "-o", "tsv"), "rg1\n");
            assertExactly(cli.run("ml", "workspace", "show", "--query", "name", "-o", "tsv"), "mlw\n");
            assertThat(archive).as("a command of another group uses the same archive").exists();

            byte[] damaged = "not an archive".repeat(1000).getBytes();
            Files.write(archive, damaged);
            Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(5)));
            assertExactly(cli.run("ml", "workspace", "show", "--query", "name", "-o", "tsv"), "mlw\n");
            if (javaMajor() >= 25) {
                // The damaged cache is dropped by the next run, which records a new one.
                assertExactly(cli.run("ml", "workspace", "show", "--query", "name", "-o", "tsv"), "mlw\n");
                deadline = Instant.now().plus(Duration.ofSeconds(90));
                while (!(Files.exists(archive) && !Files.exists(BUILD.resolve("cli.aot.lock")))
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(200);
                }
                assertThat(archive).as("made again after the damaged one").exists();
                assertThat(Files.readAllBytes(archive)).isNotEqualTo(damaged);
                assertExactly(cli.run("group", "show", "-n", "rg1", "--query", "name", "-o", "tsv"), "rg1\n");
                assertThat(BUILD.resolve("cli.aot.errors")).as("the new cache is used without an error").isEmptyFile();
            } else {
                Files.delete(archive);
            }
        }
    }

    private static void assertExactly(Cli.Result result, String out) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo(out);
        assertThat(result.err()).isEmpty();
    }

    private static int javaMajor() throws IOException {
        return Integer.parseInt(Files.readString(BUILD.resolve("java-major")).strip());
    }

    /** A cache another test's command is still making would be made again under this test. */
    private static void awaitNoLock() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Files.exists(BUILD.resolve("cli.aot.lock")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
    }
}
