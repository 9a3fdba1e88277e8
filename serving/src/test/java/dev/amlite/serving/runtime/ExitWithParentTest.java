package dev.amlite.serving.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amlite.scoring.ScoringScript;
import dev.amlite.serving.ProcessWaits;
import dev.amlite.serving.supervisor.InstanceSpec;
import dev.amlite.serving.supervisor.Probe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance outlives nothing: when the server that started it dies, even by SIGKILL (no chance to stop its
 * instances), the instance exits by itself and removes its socket folder, which the dead server can no longer do.
 * Here a shell stands in for the server: it starts the instance exactly as the runtime says (command, environment,
 * folder) and is then killed.
 */
class ExitWithParentTest {
    private static final Probe PROBE = new Probe(Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(2), 1, 3);
    private static final String CHILD = "AMLITE-TEST-CHILD ";

    @TempDir
    Path temporary;

    /** The scoring class, copied into the code folder, which the Java instance loads by name. */
    public static final class Echo implements ScoringScript {
        @Override
        public void init(Path modelDir) {
        }

        @Override
        public String run(String rawData) {
            return rawData;
        }
    }

    @Test
    @Timeout(120)
    void aJavaInstanceWhoseServerIsKilledExitsAndRemovesItsSocket() throws Exception {
        Path code = Files.createDirectories(temporary.resolve("code"));
        // The instance loads scoring classes from the code folder only, as it would a deployment's.
        String resource = Echo.class.getName().replace('.', '/') + ".class";
        Path compiled = Files.createDirectories(code.resolve("classes").resolve(resource).getParent());
        try (var bytes = Echo.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(bytes, compiled.resolve(Path.of(resource).getFileName()));
        }
        assertExitsWithItsParent(JavaRuntime.ofThisProcess().instance(code, Echo.class.getName(), code, Map.of(), 1,
                PROBE, PROBE));
    }

    @Test
    @Timeout(120)
    void aPythonInstanceWhoseServerIsKilledExitsAndRemovesItsSocket() throws Exception {
        Path code = Files.createDirectories(temporary.resolve("code"));
        Files.writeString(code.resolve("score.py"), "def init():\n    pass\ndef run(raw_data):\n    return raw_data\n");
        PythonRuntime python = PythonRuntime.install("python3", temporary.resolve("runtime"));
        assertExitsWithItsParent(python.instance(code, "score.py", code, Map.of(), 1, PROBE, PROBE));
    }

    private static void assertExitsWithItsParent(InstanceSpec spec) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "\"$@\" & echo \"" + CHILD + "$!\"; wait", "sh"));
        command.addAll(spec.command());
        ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workingDirectory().toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(spec.environment());
        Process parent = builder.start();
        long child = -1;
        Path socket = null;
        boolean listening = false;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while (!(child > 0 && socket != null && listening) && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith(CHILD)) {
                    child = Long.parseLong(line.substring(CHILD.length()).strip());
                } else if (line.startsWith(JavaInferenceServer.LISTENING_LOCAL)) {
                    socket = Path.of(line.substring(JavaInferenceServer.LISTENING_LOCAL.length()).strip());
                } else if (line.startsWith("AMLITE-LISTENING ")) {
                    listening = true;
                }
            }
            assertThat(child).as("the shell named its child").isPositive();
            assertThat(socket).as("the instance announced its socket; it printed:\n%s", seen).isNotNull().exists();
            assertThat(listening).as("the instance announced its port").isTrue();
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter()); // the instance's last lines, so it never blocks
                } catch (java.io.IOException ignored) {
                    // the pipe closed: the instance is gone
                }
            });
            drain.setDaemon(true);
            drain.start();

            parent.destroyForcibly(); // SIGKILL: the "server" stops nothing on its way out
            parent.waitFor();
            assertThat(ProcessWaits.gone(child, Duration.ofSeconds(10)))
                    .as("the instance exits once its server is gone").isTrue();
            assertThat(ProcessWaits.disappears(socket.getParent())).as("and takes its socket folder with it").isTrue();
        } finally {
            parent.destroyForcibly();
            if (child > 0) {
                ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (socket != null) { // left behind only when the test failed
                Files.deleteIfExists(socket);
                Files.deleteIfExists(socket.getParent());
            }
        }
    }
}
