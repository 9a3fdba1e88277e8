package dev.amlite.control.compute;

import dev.amlite.core.ResourceId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

class LocalNodeBackendTest {
    static final ComputePool.NodeLease LEASE = new ComputePool.NodeLease(ResourceId.parse("/subscriptions/s/"
            + "resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/computes/cpu"), "n1", "job1");

    @TempDir
    Path temporary;

    NodeBackend.Running launch(LocalNodeBackend backend, String command) throws Exception {
        return backend.launch(LEASE, new NodeBackend.Launch(List.of("bash", "-c", command), temporary, Map.of(),
                temporary.resolve("job.log")));
    }

    /** The {@code sleep <seconds>} processes running now. */
    static List<ProcessHandle> sleeping(String seconds) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                && p.info().arguments().map(a -> a.length == 1 && a[0].equals(seconds)).orElse(false)).toList();
    }

    static List<ProcessHandle> await(String seconds) throws InterruptedException {
        List<ProcessHandle> found = sleeping(seconds);
        for (int i = 0; i < 100 && found.isEmpty(); i++) {
            Thread.sleep(50);
            found = sleeping(seconds);
        }
        return found;
    }

    @Test
    void theNextBackendStopsWhatAForgottenOneLeftRunningEvenOutsideItsSession() throws Exception {
        Path records = temporary.resolve("records");
        NodeBackend.Running running = launch(new LocalNodeBackend(records), "(setsid sleep 6161 &); sleep 6262");
        List<ProcessHandle> escaped = await("6161");
        List<ProcessHandle> main = await("6262");
        assertThat(escaped).hasSize(1);
        assertThat(main).hasSize(1);
        assertThat(records).isNotEmptyDirectory();

        // A server killed with SIGKILL never calls kill(): the next one has only the records to go by.
        assertThat(new LocalNodeBackend(records).stopLeftovers()).isEqualTo(1);
        escaped.get(0).onExit().get(10, TimeUnit.SECONDS);
        main.get(0).onExit().get(10, TimeUnit.SECONDS);
        running.exit().get(10, TimeUnit.SECONDS);
        assertThat(records).isEmptyDirectory();
        assertThat(new LocalNodeBackend(records).stopLeftovers()).isZero();
    }

    @Test
    void aCommandThatEndsTakesItsRecordAndAStaleRecordStopsNothing() throws Exception {
        Path records = temporary.resolve("records");
        LocalNodeBackend backend = new LocalNodeBackend(records);
        assertThat(launch(backend, "true").exit().get(10, TimeUnit.SECONDS)).isZero();
        for (int i = 0; i < 100 && !isEmpty(records); i++) {
            Thread.sleep(20);
        }
        assertThat(records).isEmptyDirectory();

        // A record left by a crash whose processes are gone, and a write a crash cut off.
        Files.writeString(records.resolve("0c1f7a53-0000-4000-8000-000000000000.process"), "0c1f7a53-0000-4000-8000-"
                + "000000000000\ncpu n1 job0\n", StandardCharsets.UTF_8);
        Files.writeString(records.resolve("x.partial"), "x", StandardCharsets.UTF_8);
        NodeBackend.Running other = launch(backend, "sleep 6363");
        try {
            assertThat(new LocalNodeBackend(records.resolveSibling("none")).stopLeftovers()).isZero();
            List<ProcessHandle> mine = await("6363");
            assertThat(mine).hasSize(1);
            try (var files = Files.list(records)) { // the running command's own record, as if never written
                Files.delete(files.filter(p -> p.toString().endsWith(".process") && !p.toString().contains("0c1f7a53"))
                        .findFirst().orElseThrow());
            }
            assertThat(new LocalNodeBackend(records).stopLeftovers()).as("only marks on record are stopped").isZero();
            assertThat(mine.get(0).isAlive()).isTrue();
            assertThat(records).isEmptyDirectory();
        } finally {
            other.kill(Duration.ofSeconds(1));
        }
    }

    @Test
    void onlyAWholeEnvironmentEntryIsAMark() {
        long self = ProcessHandle.current().pid();
        String path = "PATH=" + System.getenv("PATH");
        assertThat(LocalNodeBackend.carries(self, path.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(LocalNodeBackend.carries(self, path.substring(0, path.length() - 1).getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(LocalNodeBackend.carries(self, "ATH".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(LocalNodeBackend.carries(Long.MAX_VALUE, path.getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    static boolean isEmpty(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }
}
