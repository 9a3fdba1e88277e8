package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** examples/compute-and-jobs/walkthrough.sh, as a user runs it, against a fresh server. */
class ComputeAndJobsWalkthroughTest {
    @TempDir
    Path temporary;

    @Test
    void theWalkthroughRunsFromEndToEnd() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            Path bin = Files.createDirectories(temporary.resolve("bin"));
            Files.createSymbolicLink(bin.resolve("amlite"), Cli.root().resolve("amlite"));
            ProcessBuilder script = new ProcessBuilder("bash",
                    Cli.root().resolve("examples/compute-and-jobs/walkthrough.sh").toString());
            script.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            script.environment().put("AMLITE_CONFIG_DIR", temporary.resolve("config").toString());
            script.environment().put("AMLITE_NO_BUILD", "1");
            script.environment().put("JOB_NAME", "walk");
            script.environment().put("DOWNLOADS", temporary.resolve("downloads").toString());
            script.redirectErrorStream(true);
            Path output = temporary.resolve("walkthrough.log");
            script.redirectOutput(output.toFile());
            Process process = script.start();
            assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(output);
            assertThat(process.exitValue()).as(log).isZero();
            assertThat(log).contains("QuotaExceeded").contains("Approved").contains("Status: Completed")
                    .contains("model written").contains("Canceled").contains("\"mean\": 2.5");
            JsonNode job = Json.parse(cli.ok("ml", "job", "show", "-n", "walk"));
            assertThat(job.path("metrics").path("loss").asDouble()).isEqualTo(0.1);
            assertThat(Json.parse(cli.ok("ml", "job", "show", "-n", "walk-long")).path("status").asText())
                    .isEqualTo("Canceled");
            assertThat(temporary.resolve("downloads/walk/artifacts/user_logs/std_log.txt")).exists();
            assertThat(cli.run("ml", "compute", "show", "-n", "gpu").exitCode()).isEqualTo(3);
        }
    }
}
