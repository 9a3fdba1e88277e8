package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.HttpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code amlite server start} as a process: banner, first-start password, TLS, health endpoints, SIGTERM. */
class ServerProcessTest {
    private static final Pattern READY = Pattern.compile("amlite server ready at (\\S+)");

    @TempDir
    Path temporary;

    /** A started server process and what it printed up to the end of its banner. */
    record Started(Process process, String url, String banner) {
    }

    private Started start(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Cli.root().resolve("amlite").toString(), "server", "start"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AMLITE_NO_BUILD", "1");
        builder.redirectError(temporary.resolve("server-" + System.nanoTime() + ".log").toFile());
        Process process = builder.start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder banner = new StringBuilder();
        String url = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
            banner.append(line).append('\n');
            Matcher matcher = READY.matcher(line);
            if (matcher.find()) {
                url = matcher.group(1);
            }
            if (line.startsWith("    amlite login")) {
                break;
            }
        }
        assertThat(url).as("server banner:\n" + banner).isNotNull();
        return new Started(process, url, banner.toString());
    }

    /** A first start on a new data directory with the given admin password, on a free port. */
    private Started startFresh(Path data, String adminPassword) throws Exception {
        Path passwordFile = temporary.resolve(data.getFileName() + "-password");
        Files.writeString(passwordFile, adminPassword);
        return start("--data-dir", data.toString(), "--port", "0", "--admin-password-file", passwordFile.toString());
    }

    /** A CLI of its own logged in to {@code server} as admin, with group rg1 and workspace mlw as its defaults. */
    private Cli withWorkspace(Started server, Path data, String adminPassword) {
        Cli cli = new Cli(temporary.resolve(data.getFileName() + "-config"));
        cli.ok("login", "--server", server.url(), "--username", "admin", "--password", adminPassword,
                "--data-dir", data.toString());
        cli.ok("group", "create", "-n", "rg1", "-l", "japaneast", "-o", "none");
        cli.ok("ml", "workspace", "create", "-n", "mlw", "-g", "rg1", "-o", "none");
        cli.ok("configure", "--defaults", "workspace=mlw", "group=rg1");
        return cli;
    }

    private static int stop(Process process) throws Exception {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("server exits on SIGTERM").isTrue();
        return process.exitValue();
    }

    @Test
    void firstStartPrintsTheGeneratedPasswordOnceAndServesTls() throws Exception {
        Path data = temporary.resolve("data");
        Started first = start("--data-dir", data.toString(), "--port", "0");
        Matcher password = Pattern.compile("shown this once:\\n\\n\\s+(\\S+)").matcher(first.banner());
        assertThat(password.find()).as(first.banner()).isTrue();
        Path certificate = data.resolve("tls").resolve("server.crt");
        assertThat(certificate).exists();
        assertThat(Files.getPosixFilePermissions(data.resolve("tls").resolve("server.key")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        HttpClient http = HttpTransport.client(certificate);
        assertThat(get(http, first.url() + "/healthz").body()).contains("UP");
        HttpResponse<String> ready = get(http, first.url() + "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("READY");
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(first.url() + "/organizations/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=" + password.group(1)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        // /metrics names every endpoint and deployment: a token allowed to read at '/' is needed (the admin's is).
        HttpResponse<String> anonymous = get(http, first.url() + "/metrics");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("AuthenticationFailed").doesNotContain("jvm_memory_used_bytes");
        String adminToken = dev.amlite.core.Json.parse(login.body()).path("access_token").asText();
        HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(URI.create(first.url() + "/metrics"))
                .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(first.url() + "/metrics"))
                .header("Authorization", "Bearer " + adminToken + "x").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("a forged token").isEqualTo(401);
        assertTlsVersions(first.url(), certificate);
        // The login command it printed works as it is, from a shell that knows nothing of the data directory.
        Matcher printed = Pattern.compile("\n    amlite (login .*)\n").matcher(first.banner());
        assertThat(printed.find()).as(first.banner()).isTrue();
        assertThat(printed.group(1)).contains("--ca-file " + certificate.toAbsolutePath());
        List<String> words = new ArrayList<>();
        for (String word : printed.group(1).split(" ")) {
            words.add(word.replaceAll("^'|'$", ""));
        }
        Cli fresh = new Cli(temporary.resolve("printed-login-config"));
        fresh.ok(words.toArray(String[]::new));
        fresh.ok("group", "list", "-o", "none");
        stop(first.process());

        Started second = start("--data-dir", data.toString(), "--port", "0");
        assertThat(second.banner()).doesNotContain(password.group(1)).doesNotContain("shown this once");
        stop(second.process());
    }

    @Test
    void aWriteAnsweredBeforeAKillDashNineIsThereAfterRestart() throws Exception {
        Path data = temporary.resolve("crash");
        Started first = startFresh(data, "Crash-test-pa55word");
        HttpClient http = HttpTransport.client(data.resolve("tls").resolve("server.crt"));
        String token = token(http, first.url(), "Crash-test-pa55word");
        String subscription = firstSubscription(http, first.url(), token);
        String group = first.url() + "/subscriptions/" + subscription + "/resourcegroups/survives-kill?api-version=2022-09-01";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(group))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"location\":\"japaneast\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // SIGKILL right after the answer: no shutdown hook, no background flush gets a chance to run.
        first.process().destroyForcibly();
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

        Started second = start("--data-dir", data.toString(), "--port", "0");
        String again = second.url() + "/subscriptions/" + subscription + "/resourcegroups/survives-kill?api-version=2022-09-01";
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(again))
                .header("Authorization", "Bearer " + token(http, second.url(), "Crash-test-pa55word")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains("survives-kill");
        stop(second.process());
    }

    @Test
    void deploymentInstancesEndWithAServerKilledDashNine() throws Exception {
        Path data = temporary.resolve("orphans");
        Started server = startFresh(data, "Orphan-test-pa55word");
        Cli cli = withWorkspace(server, data, "Orphan-test-pa55word");
        cli.ok("ml", "online-endpoint", "create", "-n", "orphans", "-w", "mlw", "-g", "rg1");
        Path yaml = BehavingDeployment.yaml(temporary, "orphans", "dep", "instance_count: 2\n");
        cli.ok("ml", "online-deployment", "create", "-f", yaml.toString(), "-w", "mlw", "-g", "rg1");
        List<ProcessHandle> instances = server.process().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("amlite_inference_server.py")).toList();
        assertThat(instances).hasSize(2);
        server.process().destroyForcibly();
        assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle instance : instances) {
            instance.onExit().get(10, TimeUnit.SECONDS);
            assertThat(instance.isAlive()).as("instance %d outlived the killed server", instance.pid()).isFalse();
        }
    }

    @Test
    void jobProcessesAServerKilledDashNineLeftRunningAreStoppedByTheNext() throws Exception {
        Path data = temporary.resolve("job-orphans");
        Started server = startFresh(data, "Orphan-test-pa55word");
        Cli cli = withWorkspace(server, data, "Orphan-test-pa55word");
        cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                "--max-instances", "1", "-o", "none");
        // One process leaves the job's session and process group: only the job's mark still finds it.
        Path job = temporary.resolve("orphan-job.yml");
        Files.writeString(job, """
                command: echo epoch 3 > ${{outputs.model}}/checkpoint.txt; (setsid sleep 5252 &); sleep 5353
                environment:
                  image: python:3.11
                compute: azureml:cpu
                outputs:
                  model:
                    type: uri_folder
                """);
        cli.ok("ml", "job", "create", "-f", job.toString(), "-n", "orphan1", "-o", "none");
        List<ProcessHandle> sleeps = List.of();
        for (int i = 0; i < 300 && sleeps.size() < 2; i++) {
            Thread.sleep(100);
            sleeps = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                    && p.info().arguments().map(a -> a.length == 1 && a[0].matches("5252|5353")).orElse(false))
                    .toList();
        }
        assertThat(sleeps).as("the job's two sleeps").hasSize(2);
        server.process().destroyForcibly();
        assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1000);
        assertThat(sleeps).as("a killed server cannot stop them itself").allMatch(ProcessHandle::isAlive);

        Started next = start("--data-dir", data.toString(), "--port", "0");
        try {
            for (ProcessHandle sleep : sleeps) {
                sleep.onExit().get(10, TimeUnit.SECONDS);
            }
            cli.ok("login", "--server", next.url(), "--username", "admin", "--password", "Orphan-test-pa55word",
                    "--data-dir", data.toString());
            // Its outputs are stored after the server is ready (Finalizing meanwhile), then it fails.
            JsonNode shown = Json.parse(cli.ok("ml", "job", "show", "-n", "orphan1"));
            for (int i = 0; i < 100 && !shown.path("status").asText().equals("Failed"); i++) {
                assertThat(shown.path("status").asText()).isIn("Running", "Finalizing");
                Thread.sleep(200);
                shown = Json.parse(cli.ok("ml", "job", "show", "-n", "orphan1"));
            }
            assertThat(shown.path("status").asText()).isEqualTo("Failed");
            assertThat(shown.path("error").path("code").asText()).isEqualTo("ServiceStopped");
            assertThat(shown.path("error").path("message").asText()).contains("what its outputs held then was stored");
            // What the job had written when its server died is kept, as a finished job's outputs are.
            Path out = temporary.resolve("orphan-out");
            cli.ok("ml", "job", "download", "-n", "orphan1", "--download-path", out.toString());
            assertThat(out.resolve("orphan1/named-outputs/model/checkpoint.txt")).hasContent("epoch 3");
            assertThat(out.resolve("orphan1/artifacts")).isNotEmptyDirectory();
            try (var work = Files.walk(data.resolve("jobs/work"))) {
                assertThat(work.filter(p -> p.getFileName().toString().equals("orphan1")).toList())
                        .as("the job's work folder").isEmpty();
            }
        } finally {
            sleeps.forEach(ProcessHandle::destroyForcibly);
            stop(next.process());
        }
    }

    private static String token(HttpClient http, String url, String password) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/organizations/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=" + password))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return dev.amlite.core.Json.parse(answer.body()).path("access_token").asText();
    }

    private static String firstSubscription(HttpClient http, String url, String token) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/subscriptions?api-version=2022-12-01"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return dev.amlite.core.Json.parse(answer.body()).path("value").get(0).path("subscriptionId").asText();
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesToStartAndSaysWhy() throws Exception {
        Path data = temporary.resolve("shared");
        Started first = startFresh(data, "Shared-dir-pa55word");
        try {
            Path log = temporary.resolve("second-server.log");
            ProcessBuilder builder = new ProcessBuilder(Cli.root().resolve("amlite").toString(), "server", "start",
                    "--data-dir", data.toString(), "--port", "0").redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("AMLITE_NO_BUILD", "1");
            Process second = builder.start();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second server gives up").isTrue();
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log)).contains("is in use by another process")
                    .contains("another amlite server on the same data directory");
            assertThat(get(HttpTransport.client(data.resolve("tls").resolve("server.crt")), first.url() + "/readyz")
                    .statusCode()).as("the first one still serves").isEqualTo(200);
        } finally {
            stop(first.process());
        }
    }

    @Test
    void aPortInUseStopsTheStartBeforeItWritesAnythingAndSaysWhichPort() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            Path mainData = temporary.resolve("main-port-taken");
            String main = refusedStart("--data-dir", mainData.toString(), "--port", port, "--inference-port", "0");
            assertThat(main).contains("cannot listen on 127.0.0.1:" + port + " (--port)")
                    .contains("give another port with --port.").doesNotContain("server ready");
            assertThat(mainData).as("nothing written").doesNotExist();
            String scoring = refusedStart("--data-dir", temporary.resolve("scoring-port-taken").toString(), "--port", "0",
                    "--inference-port", port);
            assertThat(scoring).contains("cannot listen on 127.0.0.1:" + port + " (--inference-port, by default --port + 1)")
                    .contains("give another port with --inference-port.");
        }
    }

    /** Starts a server that must refuse, returning what it printed. */
    private String refusedStart(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Cli.root().resolve("amlite").toString(), "server", "start"));
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(temporary, "refused", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("AMLITE_NO_BUILD", "1");
        Process process = builder.start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            stop(process);
        }
        String output = Files.readString(log);
        assertThat(ended).as("the server gives up: " + output).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(1);
        return output;
    }

    @Test
    void withLogFormatJsonEveryLineOfTheLogIsAJsonObject() throws Exception {
        Path log = temporary.resolve("json.log");
        Process process = new ProcessBuilder(Cli.root().resolve("amlite").toString(), "server", "start", "--data-dir",
                temporary.resolve("json-data").toString(), "--port", "0", "--log-format", "json")
                .redirectError(log.toFile()).start();
        BufferedReader banner = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = banner.readLine()) != null && !READY.matcher(line).find()) {
            assertThat(line).as("the banner goes to standard output as text").doesNotStartWith("{");
        }
        assertThat(line).as("server ready").isNotNull();
        stop(process);
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSizeGreaterThan(3);
        for (String entry : lines) {
            com.fasterxml.jackson.databind.JsonNode json = dev.amlite.core.Json.parse(entry);
            assertThat(json.isObject()).as(entry).isTrue();
            assertThat(json.path("level").asText()).as(entry).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(json.path("timestamp").asLong()).as(entry).isPositive();
            assertThat(json.has("loggerName") && json.has("formattedMessage")).as(entry).isTrue();
        }
        assertThat(lines).anySatisfy(entry -> assertThat(entry).contains("Store ready"));

        Process refused = new ProcessBuilder(Cli.root().resolve("amlite").toString(), "server", "start",
                "--log-format", "xml").redirectErrorStream(true).start();
        assertThat(new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("--log-format must be text or json, not 'xml'");
        assertThat(refused.waitFor()).isEqualTo(2);
    }

    @Test
    void adminPasswordFileKeepsSecretsOutOfTheBanner() throws Exception {
        Path passwordFile = temporary.resolve("admin-password");
        Files.writeString(passwordFile, "File-given-pa55word\n");
        Started started = start("--data-dir", temporary.resolve("data2").toString(), "--port", "0",
                "--admin-password-file", passwordFile.toString());
        assertThat(started.banner()).doesNotContain("File-given-pa55word").doesNotContain("shown this once");
        stop(started.process());
    }

    @Test
    void operatorPemFilesArePickedUp() throws Exception {
        Path source = temporary.resolve("source");
        Started first = start("--data-dir", source.toString(), "--port", "0");
        stop(first.process());
        Path certificate = temporary.resolve("operator.crt");
        Path key = temporary.resolve("operator.key");
        Files.copy(source.resolve("tls").resolve("server.crt"), certificate);
        Files.copy(source.resolve("tls").resolve("server.key"), key);
        Path data = temporary.resolve("pem-data");
        Started started = start("--data-dir", data.toString(), "--port", "0", "--tls-cert", certificate.toString(),
                "--tls-key", key.toString());
        assertThat(data.resolve("tls").resolve("server.crt")).doesNotExist();
        assertThat(get(HttpTransport.client(certificate), started.url() + "/healthz").statusCode()).isEqualTo(200);
        stop(started.process());
    }

    @Test
    void plainHttpOnlyOnLoopbackAndBadOptionsExplainThemselves() throws Exception {
        Process refused = new ProcessBuilder(Cli.root().resolve("amlite").toString(), "server", "start", "--http",
                "--host", "0.0.0.0", "--data-dir", temporary.resolve("x").toString()).redirectErrorStream(true).start();
        String output = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor()).isEqualTo(2);
        assertThat(output).contains("only allowed on a loopback address");
        Process unknown = new ProcessBuilder(Cli.root().resolve("amlite").toString(), "server", "start", "--prot", "1")
                .redirectErrorStream(true).start();
        assertThat(new String(unknown.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("Unknown option '--prot'").contains("--port N");
        assertThat(unknown.waitFor()).isEqualTo(2);

        Started plain = start("--http", "--data-dir", temporary.resolve("plain").toString(), "--port", "0");
        assertThat(plain.url()).startsWith("http://");
        assertThat(get(HttpClient.newHttpClient(), plain.url() + "/healthz").statusCode()).isEqualTo(200);
        stop(plain.process());
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** TLS 1.2 and 1.3 are accepted; TLS 1.1 is not. */
    private static void assertTlsVersions(String url, Path certificate) throws Exception {
        URI uri = URI.create(url);
        SSLContext context = HttpTransport.trusting(certificate);
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
        SSLContext old = SSLContext.getInstance("TLSv1.1");
        old.init(null, null, null);
        boolean refused;
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            String[] supported = socket.getSupportedProtocols();
            if (!List.of(supported).contains("TLSv1.1")) {
                refused = true;
            } else {
                socket.setEnabledProtocols(new String[] {"TLSv1.1"});
                socket.startHandshake();
                refused = false;
            }
        } catch (java.io.IOException e) {
            refused = true;
        }
        assertThat(refused).isTrue();
    }
}
