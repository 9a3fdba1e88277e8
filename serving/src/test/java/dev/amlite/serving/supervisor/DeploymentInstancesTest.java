package dev.amlite.serving.supervisor;

import dev.amlite.serving.ProcessWaits;
import dev.amlite.serving.runtime.PythonRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real Python processes running amlite's inference server with small stdlib-only scoring scripts. */
class DeploymentInstancesTest {
    private static final Probe FAST = new Probe(Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(2), 1, 3);
    private static final String SCORE = """
            import json, os, logging
            def init():
                global w
                w = json.load(open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "weights.json")))["w"]
                logging.info("loaded weight %s", w)
            def run(raw_data):
                return [x * w for x in json.loads(raw_data)["data"]]
            """;
    @TempDir
    Path temporary;
    private final HttpClient http = HttpClient.newHttpClient();
    private DeploymentInstances instances;

    @AfterEach
    void stop() {
        if (instances != null) {
            instances.close();
        }
    }

    private DeploymentInstances deployment(String score) throws Exception {
        return deployment(score, Map.of("GREETING", "hi"));
    }

    private DeploymentInstances deployment(String score, Map<String, String> environmentVariables) throws Exception {
        Path code = Files.createDirectories(temporary.resolve("code"));
        Path model = Files.createDirectories(temporary.resolve("model"));
        Files.writeString(code.resolve("score.py"), score);
        Files.writeString(model.resolve("weights.json"), "{\"w\": 3}");
        PythonRuntime python = PythonRuntime.install("python3", temporary.resolve("runtime"));
        instances = new DeploymentInstances("blue", python.instance(code, "score.py", model, environmentVariables, 1,
                FAST, FAST), http, Duration.ofSeconds(30), Duration.ofSeconds(2));
        return instances;
    }

    /**
     * The last 50 log lines once one of them matches, or after 10 s. An instance's output reaches the log through a
     * reader thread, so a line the instance wrote before it answered may land a moment after the answer (CI saw it).
     */
    private static List<String> logsOnceTheyShow(DeploymentInstances instances,
            java.util.function.Predicate<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> logs = instances.logs(50);
        while (logs.stream().noneMatch(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            logs = instances.logs(50);
        }
        return logs;
    }

    private String score(int port, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/score"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void startsReadyInstancesThatScoreAndKeepTheirOutput() throws Exception {
        DeploymentInstances blue = deployment(SCORE);
        blue.scaleTo(2);
        List<DeploymentInstances.ReadyInstance> ready = blue.ready();
        assertThat(ready).hasSize(2);
        for (DeploymentInstances.ReadyInstance instance : ready) {
            assertThat(score(instance.port(), "{\"data\": [1, 2]}")).isEqualTo("200 [3, 6]");
        }
        assertThat(logsOnceTheyShow(blue, line -> line.startsWith("[blue-1]") && line.contains("loaded weight 3")))
                .anyMatch(line -> line.startsWith("[blue-0]") && line.contains("loaded weight 3"))
                .anyMatch(line -> line.startsWith("[blue-1]") && line.contains("loaded weight 3"));

        List<Long> pids = blue.pids();
        blue.scaleTo(1);
        assertThat(blue.ready()).hasSize(1);
        assertThat(ProcessHandle.of(pids.get(1)).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void anExceptionInRunIsA500WithTheMessageInTheLogs() throws Exception {
        DeploymentInstances blue = deployment(SCORE.replace("return [x * w", "raise ValueError('no such column: age')\n    return [x * w"));
        blue.scaleTo(1);
        assertThat(score(blue.ready().getFirst().port(), "{\"data\": [1]}"))
                .isEqualTo("500 {\"error\": \"ValueError: no such column: age\"}");
        assertThat(logsOnceTheyShow(blue, line -> line.contains("ValueError: no such column: age")))
                .anyMatch(line -> line.contains("ValueError: no such column: age"));
    }

    @Test
    void aScriptThatRaisesInInitFailsWithItsOwnError() throws Exception {
        DeploymentInstances blue = deployment(SCORE.replace("global w", "raise RuntimeError('model file is corrupt')"));
        assertThatThrownBy(() -> blue.scaleTo(1)).isInstanceOf(InstanceStartException.class)
                .hasMessageContaining("exited with code 3 before it was ready")
                .hasMessageContaining("RuntimeError: model file is corrupt");
        assertThat(blue.size()).isZero();
    }

    @Test
    void aScriptWithoutRunIsRefusedNamingWhatIsMissing() throws Exception {
        DeploymentInstances blue = deployment("def init():\n    pass\n");
        assertThatThrownBy(() -> blue.scaleTo(1)).isInstanceOf(InstanceStartException.class)
                .hasMessageContaining("must define init() and run(raw_data); it has no run()");
    }

    @Test
    void aCrashedInstanceIsRestartedAndServesAgain() throws Exception {
        DeploymentInstances blue = deployment(SCORE);
        blue.scaleTo(1);
        long first = blue.pids().getFirst();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((blue.ready().isEmpty() || blue.pids().contains(first)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(blue.ready()).hasSize(1);
        assertThat(blue.pids()).doesNotContain(first);
        assertThat(blue.restarts()).isEqualTo(1);
        assertThat(score(blue.ready().getFirst().port(), "{\"data\": [5]}")).isEqualTo("200 [15]");
        assertThat(blue.logs(100)).anyMatch(line -> line.contains("exited with code 137; restarting"));
    }

    /** POSTs {@code body} to /score over the instance's Unix domain socket; the whole answer as text. */
    private static String scoreLocally(Path socket, String body) throws Exception {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            channel.connect(java.net.UnixDomainSocketAddress.of(socket));
            channel.write(java.nio.ByteBuffer.wrap(("POST /score HTTP/1.1\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void theSupervisorTakesOnlyASocketShapedAsTheRuntimesMakeIt() {
        // It deletes the announced socket when the process is gone, so an instance must not name any other file.
        assertThat(Instance.announcedSocket(" /tmp/amlite-i42/amlite.sock "))
                .isEqualTo(Path.of("/tmp/amlite-i42/amlite.sock"));
        assertThat(Instance.announcedSocket("/etc/passwd")).isNull();
        assertThat(Instance.announcedSocket("/home/me/amlite.sock")).isNull();
        assertThat(Instance.announcedSocket("amlite-i42/amlite.sock")).isNull();
        assertThat(Instance.announcedSocket("/tmp/amlite-i42/other.sock")).isNull();
    }

    @Test
    @org.junit.jupiter.api.Timeout(90)
    void instancesAlsoServeOnAPrivateLocalSocketThatGoesWithTheirProcess() throws Exception {
        DeploymentInstances blue = deployment(SCORE);
        blue.scaleTo(1);
        DeploymentInstances.ReadyInstance first = blue.ready().getFirst();
        Path socket = first.socketFile();
        assertThat(socket).isNotNull().exists();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                socket.getParent()))).as("only this user may reach the socket").isEqualTo("rwx------");
        assertThat(scoreLocally(socket, "{\"data\": [1, 2]}")).startsWith("HTTP/1.1 200").endsWith("[3, 6]");

        long pid = blue.pids().getFirst();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // killed: the instance cannot clean up after itself
        assertThat(ProcessWaits.disappears(socket.getParent()))
                .as("the supervisor removes a dead instance's socket").isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((blue.ready().isEmpty() || blue.pids().contains(pid)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Path next = blue.ready().getFirst().socketFile();
        assertThat(next).isNotEqualTo(socket).exists();
        assertThat(scoreLocally(next, "{\"data\": [5]}")).endsWith("[15]");

        blue.close();
        assertThat(ProcessWaits.disappears(next.getParent())).isTrue();
    }

    @Test
    void aDeploymentThatSetsAmliteLocalSocketTo0IsServedOverTcpOnly() throws Exception {
        DeploymentInstances blue = deployment(SCORE, Map.of("AMLITE_LOCAL_SOCKET", "0"));
        blue.scaleTo(1);
        DeploymentInstances.ReadyInstance only = blue.ready().getFirst();
        assertThat(only.socketFile()).as("no socket announced").isNull();
        assertThat(score(only.port(), "{\"data\": [2]}")).isEqualTo("200 [6]");
    }

    @Test
    void stoppingADeploymentKillsTheProcessesItsCodeStarted() throws Exception {
        DeploymentInstances blue = deployment(SCORE.replace("def init():", """
                import subprocess
                child = None
                def init():
                    global child
                    child = subprocess.Popen(["sleep", "300"])
                    open("child.pid", "w").write(str(child.pid))"""));
        blue.scaleTo(1);
        long child = Long.parseLong(Files.readString(temporary.resolve("code/child.pid")).strip());
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        blue.close();
        assertThat(ProcessWaits.gone(child, Duration.ofSeconds(5))).isTrue();
    }
}
